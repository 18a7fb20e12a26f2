using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace PassportBot.Telegram.Sending;

/// <summary>Builds Telegram.Bot clients on HttpClients from the factory: one for sending (short timeout),
/// one for long polling (timeout beyond the polling window).</summary>
public sealed class TelegramClientFactory(IHttpClientFactory httpClients, IOptions<TelegramOptions> options)
{
    public const string SendingClient = "PassportBot.Telegram.Sending";
    public const string PollingClient = "PassportBot.Telegram.Polling";

    public ITelegramBotClient CreateForSending() => Create(SendingClient);

    public ITelegramBotClient CreateForPolling() => Create(PollingClient);

    private TelegramBotClient Create(string httpClientName)
    {
        var o = options.Value;
        if (!o.HasToken) throw new InvalidOperationException("Telegram:Token is not configured.");
        return TelegramSender.CreateClient(o.Token!, o.ApiBaseUrl, httpClients.CreateClient(httpClientName));
    }
}

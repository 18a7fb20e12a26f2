using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace PassportBot.Telegram.Sending;

/// <summary>Sends through the real Bot API: HTML, link previews off, silent in the recipient's quiet hours,
/// paid broadcast when switched on.</summary>
public sealed class TelegramNotifier(TelegramClientFactory clients, IOptions<TelegramOptions> options) : INotifier
{
    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };
    private readonly ITelegramBotClient _client = clients.CreateForSending();
    private readonly bool _paidBroadcast = options.Value.PaidBroadcast;

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        message = TelegramRendering.Render(message);
        if (TelegramTarget.ChatOf(message.Recipient) is not { } chat)
            return new SendResult.BadRequest($"Recipient {message.Recipient?.Kind} is not a Telegram chat.");
        try
        {
            var sent = await _client.SendMessage(
                chat,
                message.Content ?? string.Empty,
                parseMode: string.Equals(message.ParseMode, "HTML", StringComparison.OrdinalIgnoreCase) ? ParseMode.Html : default,
                linkPreviewOptions: NoPreview,
                disableNotification: message.Silent,
                allowPaidBroadcast: _paidBroadcast,
                cancellationToken: cancellationToken);
            return new SendResult.Sent(sent.Id);
        }
        catch (Exception e) when (TelegramErrors.Classify(e, cancellationToken) is { } result)
        {
            return result;
        }
    }
}

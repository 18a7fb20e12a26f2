using Microsoft.Extensions.Options;
using PassportBot.Messaging;

namespace PassportBot.Telegram.Sending;

/// <summary>Sends queued messages through the shared <see cref="TelegramSender"/>: rendered in the recipient's
/// language, silent in the recipient's quiet hours, paid broadcast when switched on.</summary>
public sealed class TelegramNotifier(TelegramClientFactory clients, IOptions<TelegramOptions> options) : INotifier
{
    private readonly TelegramSender _sender = new(clients.CreateForSending(), options.Value.PaidBroadcast, options.Value.Token);

    public Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        message = TelegramRendering.Render(message);
        if (TelegramTarget.ChatOf(message.Recipient) is not { } chat)
            return Task.FromResult<SendResult>(new SendResult.BadRequest($"Recipient {message.Recipient?.Kind} is not a Telegram chat."));
        return _sender.SendAsync(
            chat,
            message.Content ?? string.Empty,
            html: string.Equals(message.ParseMode, "HTML", StringComparison.OrdinalIgnoreCase),
            silent: message.Silent,
            cancellationToken);
    }

    /// <summary>Builds the sendMessage JSON metadata and rehearses a send in memory, then a getMe: it opens the
    /// pooled connection to the Bot API.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        TelegramSender.PrepareSerialization();
        await TelegramSender.RehearseSendAsync(options.Value.Token!, cancellationToken).ConfigureAwait(false);
        await _sender.CheckTokenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A getMe on the sending connection: an idle pooled connection is closed after a minute, and the first
    /// message of the next fan-out would otherwise wait for a new TCP and TLS handshake with the Bot API.</summary>
    public Task KeepAliveAsync(CancellationToken cancellationToken) => _sender.CheckTokenAsync(cancellationToken);
}

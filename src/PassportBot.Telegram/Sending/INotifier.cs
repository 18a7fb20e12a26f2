using PassportBot.Messaging;

namespace PassportBot.Telegram.Sending;

/// <summary>Delivers one message to one chat, once, and says what happened. Never throws for API
/// outcomes; only cancellation propagates.</summary>
public interface INotifier
{
    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

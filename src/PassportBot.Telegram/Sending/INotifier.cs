using PassportBot.Messaging;

namespace PassportBot.Telegram.Sending;

/// <summary>Delivers one message to one chat, once, and says what happened. Never throws for API
/// outcomes; only cancellation propagates.</summary>
public interface INotifier
{
    Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Opens what the first send needs (a connection to the Bot API) ahead of time; failures are the
    /// caller's to ignore: the first real send reports them properly.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Keeps that connection open while nothing is sent (a request that changes nothing); failures are the
    /// caller's to ignore.</summary>
    Task KeepAliveAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

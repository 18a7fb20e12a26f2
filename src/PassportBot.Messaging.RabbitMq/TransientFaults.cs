using System.Net.Sockets;
using PassportBot.Resilience;
using Polly;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

internal static class TransientFaults
{
    // AMQP replies that a reconnect does not fix: access refused, not found, precondition failed (e.g. a queue
    // declared elsewhere with other arguments). Retrying them would spin; they must surface.
    private const ushort AccessRefused = 403;
    private const ushort NotFound = 404;
    private const ushort PreconditionFailed = 406;

    /// <summary>Failures that go away when the connection recovers: worth waiting for and retrying.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        OperationInterruptedException { ShutdownReason.ReplyCode: AccessRefused or NotFound or PreconditionFailed } => false,
        RabbitMQClientException or IOException or SocketException or TimeoutException or ObjectDisposedException => true,
        _ => false,
    };

    private static readonly ExponentialBackoff Backoff = new(TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1));

    /// <summary>Retries transient faults until the caller's token gives up: 50 ms doubling up to 1 s, so a fault that
    /// persists while the connection looks open does not become a busy loop. On the wall clock, as the client's own
    /// connection recovery is.</summary>
    public static ResiliencePipeline Retry(Action<Exception> onRetry) =>
        Backoff.Pipeline(TimeProvider.System, IsTransient, (e, _, _) => onRetry(e));

    /// <summary><see cref="Retry"/> for callers that log the fault themselves; built once, as every publish uses it.</summary>
    public static readonly ResiliencePipeline QuietRetry = Backoff.Pipeline(TimeProvider.System, IsTransient);
}

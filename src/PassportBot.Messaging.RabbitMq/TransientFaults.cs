using System.Net.Sockets;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

internal static class TransientFaults
{
    // AMQP replies that a reconnect does not fix: access refused, not found, precondition failed (e.g. a queue
    // declared elsewhere with other arguments). Retrying them would spin; they must surface.
    private const ushort AccessRefused = 403;
    private const ushort NotFound = 404;
    private const ushort PreconditionFailed = 406;

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Failures that go away when the connection recovers: worth waiting for and retrying.</summary>
    public static bool IsTransient(Exception error) => error switch
    {
        OperationInterruptedException { ShutdownReason.ReplyCode: AccessRefused or NotFound or PreconditionFailed } => false,
        RabbitMQClientException or IOException or SocketException or TimeoutException or ObjectDisposedException => true,
        _ => false,
    };

    /// <summary>Pause before retry <paramref name="retry"/> (1-based): 50 ms doubling up to 1 s, so a fault that
    /// persists while the connection looks open does not become a busy loop.</summary>
    public static TimeSpan Backoff(int retry) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(retry - 1, 10))));
}

using System.Net.Sockets;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

internal static class TransientFaults
{
    /// <summary>Failures that go away when the connection recovers: worth waiting for and retrying.</summary>
    public static bool IsTransient(Exception error) => error is
        RabbitMQClientException or IOException or SocketException or TimeoutException or ObjectDisposedException;
}

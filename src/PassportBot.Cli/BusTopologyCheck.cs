using Microsoft.Extensions.DependencyInjection;
using PassportBot.Messaging;
using PassportBot.Messaging.RabbitMq;

namespace PassportBot.Cli;

/// <summary>Declares the RabbitMQ queues before a role starts, so a queue an earlier version left with other
/// arguments stops the process with one line (exit code 2) instead of its consumers retrying and logging forever.</summary>
internal static class BusTopologyCheck
{
    // A role may start before the broker: not reachable by then, the roles connect when it comes.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static async Task ThrowIfMismatchedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<IMessageBus>() is not RabbitMqMessageBus bus) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Wait);
        try
        {
            await bus.DeclareTopologyAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not BusTopologyException && !cancellationToken.IsCancellationRequested)
        {
            // Unreachable or interrupted: not this check's business; the consumers retry and /health reports it.
        }
    }
}

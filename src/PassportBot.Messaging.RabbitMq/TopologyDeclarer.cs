using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>Declares queues once per process (idempotent on the broker); callers retry on transient faults.</summary>
/// <remarks>A durable queue keeps the arguments it was first declared with, and RabbitMQ refuses a declaration with
/// others (PRECONDITION_FAILED): a queue created by an earlier version (a classic work queue without a delivery
/// limit, a dead-letter queue without a maximum length) or with another <c>Bus:DeadLetterMaxLength</c>. That is
/// reported as a <see cref="BusTopologyException"/> whose one line names the queue and the way out, rather than
/// used as it is: a work queue without the delivery limit would let a message that crashes its consumer loop
/// forever.</remarks>
internal sealed class TopologyDeclarer(RabbitMqConnection connection)
{
    private const ushort PreconditionFailed = 406;
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);

    public async Task EnsureAsync(IReadOnlyList<QueueSpec> queues, CancellationToken cancellationToken)
    {
        if (queues.All(q => _declared.ContainsKey(q.Name))) return;
        // A dedicated channel: a refused declaration closes the channel it was made on.
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var queue in queues)
        {
            if (_declared.ContainsKey(queue.Name)) continue;
            try
            {
                await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?>(queue.Arguments), passive: false, noWait: false,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == PreconditionFailed)
            {
                throw new BusTopologyException(
                    $"RabbitMQ queue '{queue.Name}' exists with other arguments than this version declares ({ex.ShutdownReason.ReplyText}). " +
                    "Stop every role, move its messages aside and declare it anew with `passportbot queues upgrade` " +
                    "(see docs/operations.md, \"Upgrading RabbitMQ queues\"), then start the roles again.", ex);
            }
            _declared[queue.Name] = true;
        }
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every queue this process declared (tests delete them afterwards).</summary>
    public IReadOnlyCollection<string> Declared => _declared.Keys.ToArray();

    /// <summary>Forgets what was declared (a queue was found missing: declare it again on the next publish).</summary>
    public void Invalidate() => _declared.Clear();

    /// <summary>Forgets one queue (deleted and declared anew by an upgrade).</summary>
    public void Forget(string queueName) => _declared.TryRemove(queueName, out _);
}

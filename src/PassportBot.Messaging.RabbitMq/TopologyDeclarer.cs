using System.Collections.Concurrent;
using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>Declares queues once per process (idempotent on the broker); callers retry on transient faults.</summary>
internal sealed class TopologyDeclarer(RabbitMqConnection connection)
{
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);

    public async Task EnsureAsync(IReadOnlyList<QueueSpec> queues, CancellationToken cancellationToken)
    {
        if (queues.All(q => _declared.ContainsKey(q.Name))) return;
        // A dedicated channel: a refused declaration closes the channel it was made on.
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var queue in queues)
        {
            if (_declared.ContainsKey(queue.Name)) continue;
            await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>(queue.Arguments), passive: false, noWait: false,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            _declared[queue.Name] = true;
        }
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every queue this process declared (tests delete them afterwards).</summary>
    public IReadOnlyCollection<string> Declared => _declared.Keys.ToArray();

    /// <summary>Forgets what was declared (a queue was found missing: declare it again on the next publish).</summary>
    public void Invalidate() => _declared.Clear();
}

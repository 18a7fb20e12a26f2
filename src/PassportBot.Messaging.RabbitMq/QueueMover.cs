using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>Moves messages from one queue to another without a window where they are in neither: each batch is
/// taken with basic.get, published to the target with confirms, and only then acknowledged at the source. A crash
/// in between leaves copies in both (at least once), never none.</summary>
internal sealed class QueueMover(RabbitMqConnection connection, ConfirmedPublisher publisher)
{
    // At most this many per round trip, so a large move never holds everything unacked at once.
    private const int Batch = 500;

    /// <param name="source">Queue name to take from (basic.get: a classic queue, or any queue without a single active consumer).</param>
    /// <param name="target">The target queue as it must be declared.</param>
    /// <param name="properties">The properties a moved message is published with.</param>
    public async Task<int> MoveAsync(string source, QueueSpec target, Func<IReadOnlyBasicProperties, BasicProperties> properties,
        int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        var moved = 0;
        while (moved < max)
        {
            var batch = new List<AmqpMessage>();
            ulong lastTag = 0;
            while (batch.Count < Math.Min(Batch, max - moved))
            {
                var result = await channel.BasicGetAsync(source, autoAck: false, cancellationToken).ConfigureAwait(false);
                if (result is null) break;
                lastTag = result.DeliveryTag;
                batch.Add(new AmqpMessage(target.Name, result.Body.ToArray(), properties(result.BasicProperties)));
            }
            if (batch.Count == 0) break;
            await publisher.PublishAsync([target], batch, cancellationToken).ConfigureAwait(false);
            await channel.BasicAckAsync(lastTag, multiple: true, cancellationToken).ConfigureAwait(false);
            moved += batch.Count;
        }
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        return moved;
    }
}

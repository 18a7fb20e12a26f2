using System.Text;
using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>Operator access to <c>&lt;queue&gt;.dlq</c>: peek without losing anything, and replay with confirms.</summary>
internal sealed class RabbitMqDeadLetters(
    RabbitMqConnection connection,
    ConfirmedPublisher publisher,
    RabbitMqTopology topology,
    TopologyDeclarer declarer)
{
    // Replay moves at most this many per round trip, so a large replay never holds everything unacked at once.
    private const int ReplayBatch = 500;

    /// <summary>Reads without consuming: basic.get, then one multiple nack with requeue puts them back in order.</summary>
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await declarer.EnsureAsync(topology.QueueWithDeadLetters(queue), cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        ulong lastTag = 0;
        while (letters.Count < max)
        {
            var result = await channel.BasicGetAsync(topology.DeadLetterQueueName(queue), autoAck: false, cancellationToken).ConfigureAwait(false);
            if (result is null) break;
            lastTag = result.DeliveryTag;
            letters.Add(ToDeadLetter(queue, result));
        }
        if (lastTag != 0)
            await channel.BasicNackAsync(lastTag, multiple: true, requeue: true, cancellationToken).ConfigureAwait(false);
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        return letters;
    }

    /// <summary>Moves dead letters back to the work queue: confirmed there first, then removed from the DLQ.</summary>
    public async Task<int> ReplayAsync(string queue, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var target = topology.QueueWithDeadLetters(queue);
        await declarer.EnsureAsync(target, cancellationToken).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        var moved = 0;
        while (moved < max)
        {
            var batch = new List<AmqpMessage>();
            ulong lastTag = 0;
            while (batch.Count < Math.Min(ReplayBatch, max - moved))
            {
                var result = await channel.BasicGetAsync(topology.DeadLetterQueueName(queue), autoAck: false, cancellationToken).ConfigureAwait(false);
                if (result is null) break;
                lastTag = result.DeliveryTag;
                // A replayed message starts afresh: full attempts, no dead-letter marks.
                var properties = MessageHeaders.CopyForRepublish(result.BasicProperties,
                    [new(MessageHeaders.Attempts, null), new(MessageHeaders.Reason, null), new(MessageHeaders.DeadAt, null)]);
                batch.Add(new AmqpMessage(topology.QueueName(queue), result.Body.ToArray(), properties));
            }
            if (batch.Count == 0) break;
            await publisher.PublishAsync(target, batch, cancellationToken).ConfigureAwait(false);
            await channel.BasicAckAsync(lastTag, multiple: true, cancellationToken).ConfigureAwait(false);
            moved += batch.Count;
        }
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
        return moved;
    }

    private static DeadLetter ToDeadLetter(string queue, BasicGetResult result) => new(
        queue,
        Encoding.UTF8.GetString(result.Body.Span),
        MessageHeaders.ReadString(result.BasicProperties, MessageHeaders.Reason),
        MessageHeaders.FailedAttempts(result.BasicProperties),
        MessageHeaders.ReadTimestamp(result.BasicProperties, MessageHeaders.DeadAt));
}

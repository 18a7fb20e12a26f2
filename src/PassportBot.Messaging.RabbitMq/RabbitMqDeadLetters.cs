using System.Text;
using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>Operator access to <c>&lt;queue&gt;.dlq</c>: peek without losing anything, and replay with confirms.</summary>
internal sealed class RabbitMqDeadLetters(
    RabbitMqConnection connection,
    QueueMover mover,
    RabbitMqTopology topology,
    TopologyDeclarer declarer)
{
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
        await declarer.EnsureAsync(topology.QueueWithDeadLetters(queue), cancellationToken).ConfigureAwait(false);
        // A replayed message starts afresh: full attempts, no dead-letter marks (CopyForRepublish drops the broker's).
        return await mover.MoveAsync(topology.DeadLetterQueueName(queue), topology.WorkQueue(queue),
            properties => MessageHeaders.CopyForRepublish(properties,
                [new(MessageHeaders.Attempts, null), new(MessageHeaders.Reason, null), new(MessageHeaders.DeadAt, null)]),
            max, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The reason of a message the broker dead-lettered itself (a work queue's delivery limit).</summary>
    private static string? BrokerReason(IReadOnlyBasicProperties properties) =>
        MessageHeaders.ReadString(properties, MessageHeaders.FirstDeathReason) switch
        {
            null => null,
            RabbitMqTopology.DeliveryLimitReason =>
                $"Delivered {QueueTopology.DeliveryLimit} times without being settled: its consumer stopped or crashed while handling it each time.",
            var other => "Dead-lettered by the broker: " + other,
        };

    /// <summary>Failed handler calls (<c>x-attempts</c>), or for the delivery limit the deliveries that ended
    /// unsettled (the broker keeps no count on the dead letter, but the limit fixes it).</summary>
    private static int Attempts(IReadOnlyBasicProperties properties) =>
        MessageHeaders.FailedAttempts(properties) is > 0 and var failed ? failed
        : MessageHeaders.ReadString(properties, MessageHeaders.FirstDeathReason) == RabbitMqTopology.DeliveryLimitReason ? QueueTopology.DeliveryLimit
        : 0;

    private static DeadLetter ToDeadLetter(string queue, BasicGetResult result) => new(
        queue,
        Encoding.UTF8.GetString(result.Body.Span),
        MessageHeaders.ReadString(result.BasicProperties, MessageHeaders.Reason) ?? BrokerReason(result.BasicProperties),
        Attempts(result.BasicProperties),
        MessageHeaders.ReadTimestamp(result.BasicProperties, MessageHeaders.DeadAt));
}

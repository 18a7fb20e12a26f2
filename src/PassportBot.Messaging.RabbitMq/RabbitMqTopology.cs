using System.Globalization;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>A durable queue and the exact arguments every declarer must use (RabbitMQ refuses a redeclare that differs).</summary>
internal sealed record QueueSpec(string Name, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>
/// Names and arguments of every queue the bus uses, in one place, used identically by publishers and consumers:
/// <c>&lt;prefix&gt;&lt;queue&gt;</c> (the work queue; <c>message</c> is single-active-consumer),
/// <c>&lt;queue&gt;.dlq</c> (dead letters) and <c>&lt;queue&gt;.retry.&lt;N&gt;ms</c> (delayed redelivery).
/// </summary>
internal sealed class RabbitMqTopology(string prefix)
{
    public const string SingleActiveConsumerArgument = "x-single-active-consumer";

    public string Prefix { get; } = prefix;

    public string QueueName(string queue) => Prefix + queue;

    public string DeadLetterQueueName(string queue) => Prefix + queue + QueueTopology.DeadLetterSuffix;

    // One retry queue per delay: RabbitMQ only expires messages at the head of a queue, so mixing delays in one
    // queue would hold a 1 s retry behind a 16 s one. With a single TTL per queue, expiry order is arrival order.
    public string RetryQueueName(string queue, TimeSpan delay) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{queue}.retry.{(long)delay.TotalMilliseconds}ms");

    /// <summary>The work queue and its dead-letter queue: declared by every publisher and consumer.</summary>
    public IReadOnlyList<QueueSpec> QueueWithDeadLetters(string queue) => [WorkQueue(queue), DeadLetterQueue(queue)];

    public QueueSpec WorkQueue(string queue) => new(QueueName(queue),
        QueueTopology.IsSingleActiveConsumer(queue)
            ? new Dictionary<string, object?> { [SingleActiveConsumerArgument] = true }
            : new Dictionary<string, object?>());

    public QueueSpec DeadLetterQueue(string queue) => new(DeadLetterQueueName(queue), new Dictionary<string, object?>());

    /// <summary>Messages wait here for <paramref name="delay"/>, then the broker dead-letters them back to the work queue.</summary>
    public QueueSpec RetryQueue(string queue, TimeSpan delay) => new(RetryQueueName(queue, delay), new Dictionary<string, object?>
    {
        ["x-message-ttl"] = (long)delay.TotalMilliseconds,
        ["x-dead-letter-exchange"] = "",
        ["x-dead-letter-routing-key"] = QueueName(queue),
    });
}

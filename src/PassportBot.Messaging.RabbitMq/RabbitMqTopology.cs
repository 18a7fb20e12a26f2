using System.Globalization;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>A durable queue and the exact arguments every declarer must use (RabbitMQ refuses a redeclare that differs).</summary>
internal sealed record QueueSpec(string Name, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>
/// Names and arguments of every queue the bus uses, in one place, used identically by publishers and consumers:
/// <c>&lt;prefix&gt;&lt;queue&gt;</c> (the work queue; <c>message</c> is single-active-consumer),
/// <c>&lt;queue&gt;.dlq</c> (dead letters) and <c>&lt;queue&gt;.retry.&lt;N&gt;ms</c> (delayed redelivery).
/// </summary>
internal sealed class RabbitMqTopology(string prefix, int deadLetterMaxLength = QueueTopology.DeadLetterMaxLength)
{
    public const string SingleActiveConsumerArgument = "x-single-active-consumer";
    public const string QueueTypeArgument = "x-queue-type";
    public const string DeliveryLimitArgument = "x-delivery-limit";
    public const string MaxLengthArgument = "x-max-length";
    public const string OverflowArgument = "x-overflow";
    public const string DeadLetterExchangeArgument = "x-dead-letter-exchange";
    public const string DeadLetterRoutingKeyArgument = "x-dead-letter-routing-key";
    public const string DeadLetterStrategyArgument = "x-dead-letter-strategy";

    /// <summary>Reason in <c>x-first-death-reason</c> of a message a quorum queue dead-lettered at its delivery limit.</summary>
    public const string DeliveryLimitReason = "delivery_limit";

    /// <summary>The broker allows one delivery more than <c>x-delivery-limit</c> (it counts the returns, and
    /// dead-letters at the return past the limit): one less makes the message dead-lettered after exactly
    /// <see cref="QueueTopology.DeliveryLimit"/> unsettled deliveries, as on the in-process bus.</summary>
    public const int DeliveryLimit = QueueTopology.DeliveryLimit - 1;

    public string Prefix { get; } = prefix;

    public int DeadLetterMaxLength { get; } = deadLetterMaxLength;

    public string QueueName(string queue) => Prefix + queue;

    public string DeadLetterQueueName(string queue) => Prefix + queue + QueueTopology.DeadLetterSuffix;

    // One retry queue per delay: RabbitMQ only expires messages at the head of a queue, so mixing delays in one
    // queue would hold a 1 s retry behind a 16 s one. With a single TTL per queue, expiry order is arrival order.
    public string RetryQueueName(string queue, TimeSpan delay) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{queue}.retry.{(long)delay.TotalMilliseconds}ms");

    /// <summary>The dead-letter queue first (the work queue dead-letters into it), then the work queue: declared
    /// by every publisher and consumer.</summary>
    public IReadOnlyList<QueueSpec> QueueWithDeadLetters(string queue) => [DeadLetterQueue(queue), WorkQueue(queue)];

    /// <summary>
    /// A quorum queue, because only quorum queues count deliveries: a delivery that ends without an ack or a
    /// reject (the consumer's process crashed, its connection dropped, or it stopped mid-handling) is returned to
    /// the queue and counted, and after <see cref="QueueTopology.DeliveryLimit"/> such deliveries the broker dead-letters
    /// the message to <c>&lt;queue&gt;.dlq</c>, so a message that crashes its consumer every time cannot loop
    /// forever. Handler failures never reach that count: they are acked and republished through the retry
    /// queues, where they are counted in <c>x-attempts</c>. At-least-once dead-lettering (which needs
    /// <c>x-overflow: reject-publish</c>; the queue has no length limit, so nothing is ever rejected) keeps the
    /// message in the work queue until the dead-letter queue has confirmed it.
    /// </summary>
    public QueueSpec WorkQueue(string queue)
    {
        var arguments = new Dictionary<string, object?>
        {
            [QueueTypeArgument] = "quorum",
            [DeliveryLimitArgument] = DeliveryLimit,
            [DeadLetterExchangeArgument] = "",
            [DeadLetterRoutingKeyArgument] = DeadLetterQueueName(queue),
            [DeadLetterStrategyArgument] = "at-least-once",
            [OverflowArgument] = "reject-publish",
        };
        if (QueueTopology.IsSingleActiveConsumer(queue)) arguments[SingleActiveConsumerArgument] = true;
        return new(QueueName(queue), arguments);
    }

    /// <summary>
    /// Bounded to <see cref="DeadLetterMaxLength"/> messages with <c>drop-head</c>: past it the oldest dead letter
    /// is dropped. The alternative, <c>reject-publish</c>, would refuse the newest, and a refused dead letter
    /// stays unsettled in its work queue (or retried by its consumer) for ever: a full dead-letter queue would
    /// stop the work queue. The newest failures are also the ones an operator wants to read.
    /// </summary>
    public QueueSpec DeadLetterQueue(string queue) => new(DeadLetterQueueName(queue), new Dictionary<string, object?>
    {
        [MaxLengthArgument] = DeadLetterMaxLength,
        [OverflowArgument] = "drop-head",
    });

    /// <summary>Messages wait here for <paramref name="delay"/>, then the broker dead-letters them back to the work queue.</summary>
    public QueueSpec RetryQueue(string queue, TimeSpan delay) => new(RetryQueueName(queue, delay), new Dictionary<string, object?>
    {
        ["x-message-ttl"] = (long)delay.TotalMilliseconds,
        [DeadLetterExchangeArgument] = "",
        [DeadLetterRoutingKeyArgument] = QueueName(queue),
    });
}

namespace PassportBot.Messaging;

/// <summary>Properties of a queue that every transport must honour the same way.</summary>
public static class QueueTopology
{
    /// <summary>
    /// Queues where only one consumer (across processes) receives at a time while the others stand by.
    /// <c>message</c> is one so the Telegram rate limits hold globally whatever the number of dispatchers.
    /// </summary>
    public static IReadOnlySet<string> SingleActiveConsumerQueues { get; } = new HashSet<string>(StringComparer.Ordinal) { Queues.Message.Name };

    public static bool IsSingleActiveConsumer(string queueName) => SingleActiveConsumerQueues.Contains(queueName);

    /// <summary>Suffix of the queue holding a queue's dead letters.</summary>
    public const string DeadLetterSuffix = ".dlq";

    /// <summary>Deliveries of one message that ended without being settled (its process crashed or stopped while
    /// handling it) before it is dead-lettered, so a message that crashes its consumer every time cannot loop
    /// forever. Handler failures are counted separately (<see cref="ConsumerOptions.MaxAttempts"/>). High enough
    /// that messages merely in flight during a few restarts in a row are not dead-lettered with it.</summary>
    public const int DeliveryLimit = 10;

    /// <summary>Dead letters kept per queue by default (<see cref="BusOptions.DeadLetterMaxLength"/>); beyond it the
    /// oldest are dropped, so a flood of failures cannot fill the broker's disk (or the embedded database).</summary>
    public const int DeadLetterMaxLength = 10_000;

    /// <summary>Returns the effective single-active-consumer setting; throws for a request the queue cannot honour.</summary>
    /// <remarks>On a broker this is a property of the queue, not of the consumer, so both transports treat it so.</remarks>
    public static bool ResolveSingleActiveConsumer(string queueName, ConsumerOptions options)
    {
        var declared = IsSingleActiveConsumer(queueName);
        if (options.SingleActiveConsumer && !declared)
            throw new ArgumentException(
                $"Queue '{queueName}' is not declared single-active-consumer (see {nameof(QueueTopology)}.{nameof(SingleActiveConsumerQueues)}).",
                nameof(options));
        return declared;
    }
}

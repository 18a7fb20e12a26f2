namespace PassportBot.Messaging;

/// <summary>How a consumer takes messages from a queue.</summary>
public sealed record ConsumerOptions
{
    /// <summary>Messages delivered but not yet acknowledged, per consumer.</summary>
    public int Prefetch { get; init; } = 32;

    /// <summary>Handler calls running at once in this consumer.</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>Deliveries of one message before it goes to the dead-letter queue.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Delay before the first redelivery; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Only one consumer of the queue (across processes) receives at a time; the others stand by.</summary>
    public bool SingleActiveConsumer { get; init; }
}

/// <summary>The transport between roles. A publish returns once the message is safely queued (for a broker:
/// confirmed). A handler that returns acknowledges its message; one that throws gets it redelivered later,
/// and after <see cref="ConsumerOptions.MaxAttempts"/> it is dead-lettered. Delivery is at least once.</summary>
public interface IMessageBus
{
    Task PublishAsync<T>(QueueDescriptor<T> queue, T message, CancellationToken cancellationToken);

    /// <summary>Publishes many messages with one round of confirmations (fan-out).</summary>
    Task PublishManyAsync<T>(QueueDescriptor<T> queue, IReadOnlyList<T> messages, CancellationToken cancellationToken);

    /// <summary>Starts consuming; disposing the result stops it (in-flight handlers finish or are cancelled).</summary>
    Task<IAsyncDisposable> ConsumeAsync<T>(
        QueueDescriptor<T> queue,
        Func<T, CancellationToken, Task> handler,
        ConsumerOptions options,
        CancellationToken cancellationToken);

    /// <summary>Messages waiting in a queue (for health and metrics); null when the transport cannot tell.</summary>
    Task<long?> CountAsync(string queueName, CancellationToken cancellationToken);
}

/// <summary>Throw from a handler for a message that can never succeed: it goes to the dead-letter queue at once.</summary>
public sealed class PoisonMessageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Operator access to dead-lettered messages (<c>passportbot dlq list|replay</c>).</summary>
public interface IDeadLetterQueue
{
    Task<IReadOnlyList<DeadLetter>> ListAsync(string queueName, int max, CancellationToken cancellationToken);

    /// <summary>Moves up to <paramref name="max"/> dead letters back to their queue; returns how many.</summary>
    Task<int> ReplayAsync(string queueName, int max, CancellationToken cancellationToken);
}

public sealed record DeadLetter(string Queue, string Body, string? Reason, int Attempts, DateTimeOffset? DeadAt);

/// <summary>Bus configuration: <c>Bus:Provider</c> = memory | rabbitmq.</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";
    public string Provider { get; set; } = Hosting.BusProviders.Memory;
    /// <summary>amqp://user:pass@host:port/vhost for RabbitMQ.</summary>
    public string? ConnectionString { get; set; }
    /// <summary>Prefix for queue names (tests isolate themselves with it).</summary>
    public string QueuePrefix { get; set; } = "";

    public const int MaxQueuePrefixLength = 100;

    public bool IsRabbitMq => string.Equals(Provider?.Trim(), Hosting.BusProviders.RabbitMq, StringComparison.OrdinalIgnoreCase);

    /// <summary>Dead letters kept per queue; past it the oldest are dropped. On RabbitMQ this is the dead-letter
    /// queues' <c>x-max-length</c>, fixed when a queue is first declared.</summary>
    public int DeadLetterMaxLength { get; set; } = QueueTopology.DeadLetterMaxLength;

    public const int MinDeadLetterMaxLength = 1;

    /// <summary>A million dead letters is already more than anyone reads; the cap exists to bound the broker's disk.</summary>
    public const int MaxDeadLetterMaxLength = 1_000_000;
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PassportBot.Observability;

namespace PassportBot.Messaging.InMemory;

/// <summary>
/// The in-process transport. Messages are serialised on publish and deserialised per delivery, retried and
/// dead-lettered by the same rules as the broker, so code that works here works on RabbitMQ.
/// </summary>
public sealed class InMemoryMessageBus : IMessageBus, IDeadLetterQueue, IBusHealth
{
    /// <summary><c>messaging.system</c> of this transport's spans.</summary>
    internal const string TracingSystem = "passportbot.memory";

    private readonly ConcurrentDictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InMemoryMessageBus> _logger;

    public InMemoryMessageBus(TimeProvider timeProvider, ILogger<InMemoryMessageBus> logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public InMemoryMessageBus() : this(TimeProvider.System, NullLogger<InMemoryMessageBus>.Instance)
    {
    }

    public Task PublishAsync<T>(QueueDescriptor<T> queue, T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();
        using var activity = MessagingTracing.StartPublish(TracingSystem, queue.Name, 1);
        Queue(queue.Name).Enqueue(new InMemoryEnvelope(MessageJson.Serialize(message), 0, MessagingTracing.CurrentTraceParent()));
        return Task.CompletedTask;
    }

    public Task PublishManyAsync<T>(QueueDescriptor<T> queue, IReadOnlyList<T> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        // Serialise everything first so a bad message publishes none of the batch.
        var bodies = new byte[messages.Count][];
        for (var i = 0; i < bodies.Length; i++) bodies[i] = MessageJson.Serialize(messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages)));
        var target = Queue(queue.Name);
        using var activity = MessagingTracing.StartPublish(TracingSystem, queue.Name, bodies.Length);
        var traceParent = MessagingTracing.CurrentTraceParent();
        foreach (var body in bodies) target.Enqueue(new InMemoryEnvelope(body, 0, traceParent));
        return Task.CompletedTask;
    }

    public Task<IAsyncDisposable> ConsumeAsync<T>(QueueDescriptor<T> queue, Func<T, CancellationToken, Task> handler,
        ConsumerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        DeliveryPolicy.Validate(options);
        cancellationToken.ThrowIfCancellationRequested();
        var singleActive = QueueTopology.ResolveSingleActiveConsumer(queue.Name, options);
        var consumer = new InMemoryConsumer<T>(Queue(queue.Name), handler, options, singleActive, _logger);
        consumer.Start();
        return Task.FromResult<IAsyncDisposable>(consumer);
    }

    /// <summary>Ready messages of a queue, or dead letters for "&lt;queue&gt;.dlq".</summary>
    public Task<long?> CountAsync(string queueName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        long count = queueName.EndsWith(QueueTopology.DeadLetterSuffix, StringComparison.Ordinal)
            ? Queue(queueName[..^QueueTopology.DeadLetterSuffix.Length]).DeadCount
            : Queue(queueName).ReadyCount;
        return Task.FromResult<long?>(count);
    }

    public Task<IReadOnlyList<DeadLetter>> ListAsync(string queueName, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Task.FromResult(Queue(queueName).PeekDead(max));
    }

    public Task<int> ReplayAsync(string queueName, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        return Task.FromResult(Queue(queueName).Replay(max));
    }

    public Task<bool> IsConnectedAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Test hook: queues bytes as they are, as a foreign or broken publisher would.</summary>
    internal void PublishRaw(string queueName, byte[] body) => Queue(queueName).Enqueue(new InMemoryEnvelope(body, 0));

    /// <summary>Failed messages of a queue waiting for their redelivery delay.</summary>
    internal int DelayedCount(string queueName) => Queue(queueName).DelayedCount;

    /// <summary>Test hook: takes the next ready message's bytes as a consumer would receive them.</summary>
    internal byte[]? TakeRaw(string queueName) => Queue(queueName).Reader.TryRead(out var envelope) ? envelope.Body : null;

    private InMemoryQueue Queue(string name) => _queues.GetOrAdd(name, static (n, time) => new InMemoryQueue(n, time), _timeProvider);
}

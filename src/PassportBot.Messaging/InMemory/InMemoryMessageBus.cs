using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PassportBot.Observability;

namespace PassportBot.Messaging.InMemory;

/// <summary>
/// The in-process transport. Messages are serialised on publish and deserialised per delivery, retried and
/// dead-lettered by the same rules as the broker, so code that works here works on RabbitMQ. With an
/// <see cref="IMessageJournal"/> (the embedded mode registers one over its database) every message is journaled
/// before a publish returns and removed once handled, and the journal is read back at the first use after a
/// start: a crash loses nothing. Without one, queued messages live in memory only.
/// </summary>
public sealed class InMemoryMessageBus : IMessageBus, IDeadLetterQueue, IBusHealth
{
    /// <summary><c>messaging.system</c> of this transport's spans.</summary>
    internal const string TracingSystem = "passportbot.memory";

    private readonly ConcurrentDictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<InMemoryMessageBus> _logger;
    private readonly IMessageJournal? _journal;
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private readonly int _deadLetterMaxLength;
    private volatile bool _loaded;

    public InMemoryMessageBus(TimeProvider timeProvider, ILogger<InMemoryMessageBus> logger, IMessageJournal? journal = null,
        IOptions<BusOptions>? options = null)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _journal = journal;
        _deadLetterMaxLength = options?.Value.DeadLetterMaxLength ?? QueueTopology.DeadLetterMaxLength;
        _loaded = journal is null;
    }

    public InMemoryMessageBus() : this(TimeProvider.System, NullLogger<InMemoryMessageBus>.Instance)
    {
    }

    public Task PublishAsync<T>(QueueDescriptor<T> queue, T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return PublishManyAsync(queue, [message], cancellationToken);
    }

    public async Task PublishManyAsync<T>(QueueDescriptor<T> queue, IReadOnlyList<T> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        // Serialise everything first so a bad message publishes none of the batch.
        var bodies = new byte[messages.Count][];
        for (var i = 0; i < bodies.Length; i++) bodies[i] = MessageJson.Serialize(messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages)));
        if (bodies.Length == 0) return;
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        using var activity = MessagingTracing.StartPublish(TracingSystem, queue.Name, bodies.Length);
        await Queue(queue.Name).PublishAsync(bodies, MessagingTracing.CurrentTraceParent(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> ConsumeAsync<T>(QueueDescriptor<T> queue, Func<T, CancellationToken, Task> handler,
        ConsumerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        DeliveryPolicy.Validate(options);
        cancellationToken.ThrowIfCancellationRequested();
        var singleActive = QueueTopology.ResolveSingleActiveConsumer(queue.Name, options);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        var consumer = new InMemoryConsumer<T>(Queue(queue.Name), handler, options, singleActive, _logger);
        consumer.Start();
        return consumer;
    }

    /// <summary>Ready messages of a queue, or dead letters for "&lt;queue&gt;.dlq".</summary>
    public async Task<long?> CountAsync(string queueName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return queueName.EndsWith(QueueTopology.DeadLetterSuffix, StringComparison.Ordinal)
            ? Queue(queueName[..^QueueTopology.DeadLetterSuffix.Length]).DeadCount
            : Queue(queueName).ReadyCount;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(string queueName, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return Queue(queueName).PeekDead(max);
    }

    public async Task<int> ReplayAsync(string queueName, int max, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        await EnsureLoadedAsync(cancellationToken).ConfigureAwait(false);
        return await Queue(queueName).ReplayAsync(max, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the journal back once, before anything is published or consumed, so no message is queued
    /// twice; a failed read (the database not ready yet) is tried again by the next caller.</summary>
    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded) return;
        await _loadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_loaded) return;
            var messages = await _journal!.LoadAsync(cancellationToken).ConfigureAwait(false);
            foreach (var message in messages) Queue(message.Queue).Restore(message);
            if (messages.Count > 0) _logger.LogInformation("Message journal: {Count} message(s) from before the last stop queued again", messages.Count);
            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }

    public Task<bool> IsConnectedAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Test hook: queues bytes as they are, as a foreign or broken publisher would.</summary>
    internal void PublishRaw(string queueName, byte[] body) => Queue(queueName).Enqueue(new InMemoryEnvelope(body, 0));

    /// <summary>Failed messages of a queue waiting for their redelivery delay.</summary>
    internal int DelayedCount(string queueName) => Queue(queueName).DelayedCount;

    /// <summary>Test hook: takes the next ready message's bytes as a consumer would receive them.</summary>
    internal byte[]? TakeRaw(string queueName) => Queue(queueName).Reader.TryRead(out var envelope) ? envelope.Body : null;

    private InMemoryQueue Queue(string name) => _queues.GetOrAdd(name, static (n, bus) => new InMemoryQueue(n, bus._timeProvider, bus._journal, bus._logger, bus._deadLetterMaxLength), this);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PassportBot.Observability;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>The RabbitMQ transport: durable queues, persistent JSON messages, publisher confirms, manual acks,
/// delayed retries and dead-letter queues (see <see cref="RabbitMqTopology"/>).</summary>
public sealed class RabbitMqMessageBus : IMessageBus, IDeadLetterQueue, IBusHealth, IAsyncDisposable
{
    private static readonly TimeSpan HealthConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary><c>messaging.system</c> of this transport's spans (the semantic conventions' name).</summary>
    internal const string TracingSystem = "rabbitmq";

    private readonly RabbitMqConnection _connection;
    private readonly PublisherChannelPool _channels;
    private readonly RabbitMqTopology _topology;
    private readonly TopologyDeclarer _declarer;
    private readonly ConfirmedPublisher _publisher;
    private readonly RabbitMqDeadLetters _deadLetters;
    private readonly QueueUpgrade _upgrade;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ConcurrentDictionary<IAsyncDisposable, bool> _consumers = new();

    public RabbitMqMessageBus(IOptions<BusOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var bus = options.Value;
        if (string.IsNullOrWhiteSpace(bus.ConnectionString))
            throw new OptionsValidationException(Options.DefaultName, typeof(BusOptions), ["Bus:ConnectionString is required for RabbitMQ."]);
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _connection = new RabbitMqConnection(bus.ConnectionString, $"passportbot {Environment.MachineName} pid {Environment.ProcessId}",
            loggerFactory.CreateLogger<RabbitMqConnection>());
        _channels = new PublisherChannelPool(_connection, maxChannels: Math.Max(4, Environment.ProcessorCount * 2));
        _topology = new RabbitMqTopology(bus.QueuePrefix, bus.DeadLetterMaxLength);
        _declarer = new TopologyDeclarer(_connection);
        _publisher = new ConfirmedPublisher(_connection, _channels, _declarer, loggerFactory.CreateLogger<ConfirmedPublisher>());
        var mover = new QueueMover(_connection, _publisher);
        _deadLetters = new RabbitMqDeadLetters(_connection, mover, _topology, _declarer);
        _upgrade = new QueueUpgrade(_connection, _topology, _declarer, mover);
    }

    public RabbitMqMessageBus(BusOptions options)
        : this(Options.Create(options), TimeProvider.System, NullLoggerFactory.Instance)
    {
    }

    /// <summary>Host, port and vhost (no credentials).</summary>
    public string Endpoint => _connection.Endpoint;

    /// <summary>Queues this bus declared so far (tests clean up with it).</summary>
    internal IReadOnlyCollection<string> DeclaredQueues => _declarer.Declared;

    /// <summary>Connection recoveries so far (tests prove an outage really happened).</summary>
    internal int ConnectionRecoveries => _connection.Recoveries;

    public Task PublishAsync<T>(QueueDescriptor<T> queue, T message, CancellationToken cancellationToken) =>
        PublishManyAsync(queue, [message], cancellationToken);

    public async Task PublishManyAsync<T>(QueueDescriptor<T> queue, IReadOnlyList<T> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) return;
        var now = _timeProvider.GetUtcNow();
        var name = _topology.QueueName(queue.Name);
        var batch = new AmqpMessage[messages.Count];
        using var activity = MessagingTracing.StartPublish(TracingSystem, queue.Name, messages.Count);
        var traceParent = MessagingTracing.CurrentTraceParent();
        for (var i = 0; i < batch.Length; i++)
        {
            var message = messages[i] ?? throw new ArgumentException($"Message {i} is null.", nameof(messages));
            var id = message is OutgoingMessage outgoing ? outgoing.Id : Guid.CreateVersion7().ToString("N");
            batch[i] = new AmqpMessage(name, MessageJson.Serialize(message), MessageHeaders.ForPublish(id, now, traceParent));
        }
        await _publisher.PublishAsync(_topology.QueueWithDeadLetters(queue.Name), batch, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IAsyncDisposable> ConsumeAsync<T>(QueueDescriptor<T> queue, Func<T, CancellationToken, Task> handler,
        ConsumerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(handler);
        DeliveryPolicy.Validate(options);
        // Single-active-consumer is a property of the declared queue; this only rejects a request it cannot honour.
        QueueTopology.ResolveSingleActiveConsumer(queue.Name, options);
        var consumer = new RabbitMqConsumer<T>(_connection, _publisher, _topology, _declarer, queue.Name, handler, options,
            _timeProvider, _loggerFactory.CreateLogger<RabbitMqMessageBus>());
        await consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        var subscription = new Subscription(consumer, this);
        _consumers[subscription] = true;
        return subscription;
    }

    /// <summary>Messages ready in a queue (e.g. "message" or "message.dlq"); 0 for a queue that does not exist.</summary>
    public async Task<long?> CountAsync(string queueName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(queueName);
        await using var channel = await _connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(_topology.QueueName(queueName), cancellationToken).ConfigureAwait(false);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>Declares every work and dead-letter queue. A queue that exists with other arguments fails with a
    /// <see cref="BusTopologyException"/> (one line: the queue and what to do); roles check this at start.</summary>
    public async Task DeclareTopologyAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues.AllNames)
            await _declarer.EnsureAsync(_topology.QueueWithDeadLetters(queue), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Redeclares the queues whose arguments differ from this version's, keeping their messages
    /// (<c>passportbot queues upgrade</c>; every role must be stopped).</summary>
    public Task<IReadOnlyList<QueueUpgradeResult>> UpgradeQueuesAsync(CancellationToken cancellationToken) =>
        _upgrade.RunAsync(cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ListAsync(string queueName, int max, CancellationToken cancellationToken) =>
        _deadLetters.ListAsync(queueName, max, cancellationToken);

    public Task<int> ReplayAsync(string queueName, int max, CancellationToken cancellationToken) =>
        _deadLetters.ReplayAsync(queueName, max, cancellationToken);

    public async Task<bool> IsConnectedAsync(CancellationToken cancellationToken)
    {
        if (_connection.IsOpen) return true;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthConnectTimeout);
        try
        {
            await _connection.GetAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
        return _connection.IsOpen;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var consumer in _consumers.Keys) await consumer.DisposeAsync().ConfigureAwait(false);
        await _channels.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>What ConsumeAsync hands out: stops the consumer and forgets it.</summary>
    private sealed class Subscription(IAsyncDisposable consumer, RabbitMqMessageBus bus) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            bus._consumers.TryRemove(this, out _);
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }
}

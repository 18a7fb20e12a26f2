using Microsoft.Extensions.Logging;
using PassportBot.Observability;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>
/// One consumer on its own channel: prefetch-bounded, up to MaxConcurrency handler calls, manual ack after the
/// handler returns. A failed message is republished (confirmed) to a delay queue or to the dead-letter queue
/// before the original is acked, so it is never lost between the two. Survives connection recovery: the client
/// re-registers the consumer, and acks of deliveries from before the outage are ignored (the broker redelivers them).
/// </summary>
internal sealed partial class RabbitMqConsumer<T> : IAsyncDisposable
{
    private static readonly TimeSpan CancelTimeout = TimeSpan.FromSeconds(5);

    private readonly RabbitMqConnection _connection;
    private readonly ConfirmedPublisher _publisher;
    private readonly RabbitMqTopology _topology;
    private readonly TopologyDeclarer _declarer;
    private readonly string _queue;
    private readonly Func<T, CancellationToken, Task> _handler;
    private readonly ConsumerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly InFlightTracker _inFlight = new();
    private readonly CancellationTokenSource _stopping = new();
    private IChannel? _channel;
    private string? _consumerTag;
    private int _disposed;

    public RabbitMqConsumer(RabbitMqConnection connection, ConfirmedPublisher publisher, RabbitMqTopology topology,
        TopologyDeclarer declarer, string queue, Func<T, CancellationToken, Task> handler, ConsumerOptions options,
        TimeProvider timeProvider, ILogger logger)
    {
        _connection = connection;
        _publisher = publisher;
        _topology = topology;
        _declarer = declarer;
        _queue = queue;
        _handler = handler;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var retrying = false;
        await TransientFaults.Retry(ex => LogStartRetry(_queue, ex.GetType().Name)).ExecuteAsync(async ct =>
        {
            if (retrying) await _connection.WaitUntilOpenAsync(ct).ConfigureAwait(false);
            retrying = true;
            try
            {
                await _declarer.EnsureAsync(_topology.QueueWithDeadLetters(_queue), ct).ConfigureAwait(false);
                _channel = await _connection.CreateChannelAsync(
                    new CreateChannelOptions(false, false, consumerDispatchConcurrency: (ushort)_options.MaxConcurrency),
                    ct).ConfigureAwait(false);
                await _channel.BasicQosAsync(0, (ushort)_options.Prefetch, false, ct).ConfigureAwait(false);
                var consumer = new AsyncEventingBasicConsumer(_channel);
                consumer.ReceivedAsync += OnReceivedAsync;
                _consumerTag = await _channel.BasicConsumeAsync(_topology.QueueName(_queue), autoAck: false,
                    consumerTag: "", noLocal: false, exclusive: false, arguments: null, consumer: consumer,
                    cancellationToken: ct).ConfigureAwait(false);
            }
            catch
            {
                await DropChannelAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task DropChannelAsync()
    {
        if (_channel is null) return;
        try
        {
            await _channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
        }
        _channel = null;
    }

    private async Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        // Deliveries already buffered when stopping are left unacked: closing the channel requeues them.
        if (!_inFlight.TryEnter()) return;
        try
        {
            await HandleAsync(delivery).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex) || ex is OperationCanceledException)
        {
            // Unacked: the broker redelivers it when the channel recovers or closes.
            LogSettleFailed(_queue, ex.GetType().Name);
        }
        finally
        {
            _inFlight.Exit();
        }
    }

    private async Task HandleAsync(BasicDeliverEventArgs delivery)
    {
        var stopping = _stopping.Token;
        var attempt = MessageHeaders.FailedAttempts(delivery.BasicProperties) + 1;
        T message;
        try
        {
            message = MessageJson.Deserialize<T>(delivery.Body.Span);
        }
        catch (Exception ex)
        {
            LogMalformed(_queue, ex.Message);
            await DeadLetterAsync(delivery, attempt, "Malformed message: " + DeliveryPolicy.Reason(ex), stopping).ConfigureAwait(false);
            await AckAsync(delivery).ConfigureAwait(false);
            return;
        }

        using var activity = MessagingTracing.StartProcess(RabbitMqMessageBus.TracingSystem, _queue,
            MessageHeaders.ReadString(delivery.BasicProperties, MessageHeaders.TraceParent), attempt);
        try
        {
            await _handler(message, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped mid-handling: not the message's fault; back to the queue without counting a failed attempt
            // (the quorum queue counts it as an unsettled delivery, as it would if the process had died here).
            await _channel!.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            activity.Failed(ex);
            if (DeliveryPolicy.ShouldDeadLetter(_options, attempt, ex))
            {
                LogDeadLettered(ex, _queue, attempt);
                await DeadLetterAsync(delivery, attempt, DeliveryPolicy.Reason(ex), stopping).ConfigureAwait(false);
            }
            else
            {
                var delay = DeliveryPolicy.RetryDelay(_options, attempt);
                LogRetrying(ex, _queue, attempt, delay);
                await RetryLaterAsync(delivery, attempt, delay, stopping).ConfigureAwait(false);
            }
        }
        await AckAsync(delivery).ConfigureAwait(false);
    }

    private Task RetryLaterAsync(BasicDeliverEventArgs delivery, int failedAttempts, TimeSpan delay, CancellationToken cancellationToken)
    {
        var retryQueue = _topology.RetryQueue(_queue, delay);
        var properties = MessageHeaders.CopyForRepublish(delivery.BasicProperties,
            [new(MessageHeaders.Attempts, failedAttempts)]);
        return _publisher.PublishAsync([retryQueue], [new AmqpMessage(retryQueue.Name, delivery.Body, properties)], cancellationToken);
    }

    private async Task DeadLetterAsync(BasicDeliverEventArgs delivery, int failedAttempts, string reason, CancellationToken cancellationToken)
    {
        var properties = MessageHeaders.CopyForRepublish(delivery.BasicProperties,
        [
            new(MessageHeaders.Attempts, failedAttempts),
            new(MessageHeaders.Reason, reason),
            new(MessageHeaders.DeadAt, _timeProvider.GetUtcNow().ToString("O")),
        ]);
        var deadLetters = _topology.DeadLetterQueue(_queue);
        await _publisher.PublishAsync([deadLetters], [new AmqpMessage(deadLetters.Name, delivery.Body, properties)], cancellationToken).ConfigureAwait(false);
        DeadLetterMetrics.Record(_queue, delivery.Body.Span);
    }

    private async Task AckAsync(BasicDeliverEventArgs delivery) =>
        await _channel!.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_channel is { } channel)
        {
            try
            {
                using var timeout = new CancellationTokenSource(CancelTimeout);
                if (_consumerTag is not null && channel.IsOpen)
                    await channel.BasicCancelAsync(_consumerTag, noWait: false, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex) || ex is OperationCanceledException)
            {
            }
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _inFlight.CloseAsync().ConfigureAwait(false);
        await DropChannelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: handler failed (attempt {Attempt}); redelivery in {Delay}")]
    private partial void LogRetrying(Exception error, string queue, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: message dead-lettered after {Attempts} attempt(s)")]
    private partial void LogDeadLettered(Exception error, string queue, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: malformed message dead-lettered: {Error}")]
    private partial void LogMalformed(string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: could not settle a delivery ({Error}); the broker will redeliver it")]
    private partial void LogSettleFailed(string queue, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: consumer start failed ({Error}); retrying after recovery")]
    private partial void LogStartRetry(string queue, string error);
}

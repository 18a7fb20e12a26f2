using Microsoft.Extensions.Logging;
using PassportBot.Observability;

namespace PassportBot.Messaging.InMemory;

/// <summary>One consumer of an in-process queue: up to MaxConcurrency handler calls, retries and dead letters
/// exactly as the broker transport does them.</summary>
internal sealed partial class InMemoryConsumer<T> : IAsyncDisposable
{
    private readonly InMemoryQueue _queue;
    private readonly Func<T, CancellationToken, Task> _handler;
    private readonly ConsumerOptions _options;
    private readonly bool _singleActive;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public InMemoryConsumer(InMemoryQueue queue, Func<T, CancellationToken, Task> handler, ConsumerOptions options,
        bool singleActive, ILogger logger)
    {
        _queue = queue;
        _handler = handler;
        _options = options;
        _singleActive = singleActive;
        _logger = logger;
    }

    public void Start() => _running = RunAsync(_stopping.Token);

    private async Task RunAsync(CancellationToken stopping)
    {
        var ticket = _singleActive ? _queue.ActiveConsumers.Join() : null;
        try
        {
            if (ticket is not null) await ticket.Task.WaitAsync(stopping).ConfigureAwait(false);
            var workers = new Task[_options.MaxConcurrency];
            for (var i = 0; i < workers.Length; i++) workers[i] = Task.Run(() => WorkAsync(stopping), CancellationToken.None);
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Only after every in-flight handler ended, so the standby never overlaps the active consumer.
            if (ticket is not null) _queue.ActiveConsumers.Leave(ticket);
        }
    }

    private async Task WorkAsync(CancellationToken stopping)
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            while (!stopping.IsCancellationRequested && reader.TryRead(out var envelope))
                await DeliverAsync(envelope, stopping).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(InMemoryEnvelope envelope, CancellationToken stopping)
    {
        if (envelope.Deliveries >= QueueTopology.DeliveryLimit)
        {
            // Handed to a handler this often without a verdict: the process died while handling it each time.
            LogDeliveryLimit(_queue.Name, envelope.Deliveries);
            await _queue.DeadLetterAsync(envelope,
                $"Delivered {envelope.Deliveries} times without being settled: the process stopped or crashed while handling it each time.").ConfigureAwait(false);
            return;
        }
        envelope = await _queue.MarkDeliveredAsync(envelope).ConfigureAwait(false);

        T message;
        try
        {
            message = MessageJson.Deserialize<T>(envelope.Body);
        }
        catch (Exception ex)
        {
            LogMalformed(_queue.Name, ex.Message);
            await _queue.DeadLetterAsync(envelope with { FailedAttempts = envelope.FailedAttempts + 1 }, "Malformed message: " + DeliveryPolicy.Reason(ex)).ConfigureAwait(false);
            return;
        }

        using var activity = MessagingTracing.StartProcess(InMemoryMessageBus.TracingSystem, _queue.Name, envelope.TraceParent, envelope.FailedAttempts + 1);
        try
        {
            await _handler(message, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped mid-handling: not the message's fault, so it goes back without counting an attempt.
            _queue.Enqueue(envelope);
            return;
        }
        catch (Exception ex)
        {
            activity.Failed(ex);
            var failed = envelope with { FailedAttempts = envelope.FailedAttempts + 1 };
            if (DeliveryPolicy.ShouldDeadLetter(_options, failed.FailedAttempts, ex))
            {
                LogDeadLettered(ex, _queue.Name, failed.FailedAttempts);
                await _queue.DeadLetterAsync(failed, DeliveryPolicy.Reason(ex)).ConfigureAwait(false);
            }
            else
            {
                var delay = DeliveryPolicy.RetryDelay(_options, failed.FailedAttempts);
                LogRetrying(ex, _queue.Name, failed.FailedAttempts, delay);
                await _queue.RetryAsync(failed, delay).ConfigureAwait(false);
            }
            return;
        }
        await _queue.AckAsync(envelope).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: handler failed (attempt {Attempt}); redelivery in {Delay}")]
    private partial void LogRetrying(Exception error, string queue, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: message dead-lettered after {Attempts} attempt(s)")]
    private partial void LogDeadLettered(Exception error, string queue, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: message dead-lettered after {Deliveries} deliveries that never completed")]
    private partial void LogDeliveryLimit(string queue, int deliveries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: malformed message dead-lettered: {Error}")]
    private partial void LogMalformed(string queue, string error);
}

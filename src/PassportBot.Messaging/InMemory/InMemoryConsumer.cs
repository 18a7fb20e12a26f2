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
        T message;
        try
        {
            message = MessageJson.Deserialize<T>(envelope.Body);
        }
        catch (Exception ex)
        {
            LogMalformed(_queue.Name, ex.Message);
            _queue.DeadLetter(envelope with { FailedAttempts = envelope.FailedAttempts + 1 }, "Malformed message: " + DeliveryPolicy.Reason(ex));
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
        }
        catch (Exception ex)
        {
            activity.Failed(ex);
            var failed = envelope with { FailedAttempts = envelope.FailedAttempts + 1 };
            if (DeliveryPolicy.ShouldDeadLetter(_options, failed.FailedAttempts, ex))
            {
                LogDeadLettered(ex, _queue.Name, failed.FailedAttempts);
                _queue.DeadLetter(failed, DeliveryPolicy.Reason(ex));
            }
            else
            {
                var delay = DeliveryPolicy.RetryDelay(_options, failed.FailedAttempts);
                LogRetrying(ex, _queue.Name, failed.FailedAttempts, delay);
                _queue.EnqueueAfter(failed, delay);
            }
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Queue {Queue}: malformed message dead-lettered: {Error}")]
    private partial void LogMalformed(string queue, string error);
}

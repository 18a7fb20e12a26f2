using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace PassportBot.Messaging.InMemory;

/// <summary>One named queue: ready messages, delayed redeliveries and dead letters. With a journal, every change
/// is written there first, so what the queue holds survives a crash of the process.</summary>
internal sealed partial class InMemoryQueue(string name, TimeProvider timeProvider, IMessageJournal? journal, ILogger logger,
    int deadLetterMaxLength)
{
    private readonly Channel<InMemoryEnvelope> _ready = Channel.CreateUnbounded<InMemoryEnvelope>();
    private readonly Lock _deadGate = new();
    private readonly LinkedList<(InMemoryEnvelope Envelope, DeadLetter Letter)> _dead = new();
    private readonly Lock _delayGate = new();
    private int _delayed;

    public string Name { get; } = name;

    public ChannelReader<InMemoryEnvelope> Reader => _ready.Reader;

    public ActiveConsumerLine ActiveConsumers { get; } = new();

    public long ReadyCount => _ready.Reader.Count;

    /// <summary>Failed messages waiting for their redelivery delay.</summary>
    public int DelayedCount
    {
        get { lock (_delayGate) return _delayed; }
    }

    public int DeadCount
    {
        get { lock (_deadGate) return _dead.Count; }
    }

    public void Enqueue(InMemoryEnvelope envelope)
    {
        // An unbounded channel that is never completed always accepts.
        if (!_ready.Writer.TryWrite(envelope))
            throw new InvalidOperationException($"Queue '{Name}' refused a message.");
    }

    /// <summary>Journals the bodies (when journaled), then queues them: once this returns they survive a crash.</summary>
    public async Task PublishAsync(IReadOnlyList<byte[]> bodies, string? traceParent, CancellationToken cancellationToken)
    {
        if (journal is null)
        {
            foreach (var body in bodies) Enqueue(new InMemoryEnvelope(body, 0, traceParent));
            return;
        }
        var ids = await journal.AppendAsync(Name, bodies.Select(b => Encoding.UTF8.GetString(b)).ToList(), timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < bodies.Count; i++) Enqueue(new InMemoryEnvelope(bodies[i], 0, traceParent, ids[i], DeliveryCountedAhead: true));
    }

    /// <summary>Puts a journaled message back where it was when the process stopped.</summary>
    public void Restore(JournaledMessage message)
    {
        var envelope = new InMemoryEnvelope(Encoding.UTF8.GetBytes(message.Body), message.FailedAttempts, null, message.Id, message.Deliveries);
        if (message.DeadReason is not null)
        {
            var letter = new DeadLetter(Name, message.Body, message.DeadReason, message.FailedAttempts, message.DeadAt);
            lock (_deadGate) _dead.AddLast((envelope, letter));
            return;
        }
        EnqueueAfter(envelope, message.AvailableAt - timeProvider.GetUtcNow());
    }

    /// <summary>Records that a handler is about to run (journaled queues only); returns the updated envelope. The first
    /// delivery was counted when the message was journaled: nothing to write then.</summary>
    public async Task<InMemoryEnvelope> MarkDeliveredAsync(InMemoryEnvelope envelope)
    {
        if (journal is null || envelope.JournalId is not { } id) return envelope;
        if (!envelope.DeliveryCountedAhead)
        {
            try
            {
                await journal.MarkDeliveredAsync(id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogJournalFailed(ex, Name, "count a delivery");
            }
        }
        return envelope with { Deliveries = envelope.Deliveries + 1, DeliveryCountedAhead = false };
    }

    /// <summary>The handler finished: the message is gone for good.</summary>
    public async Task AckAsync(InMemoryEnvelope envelope)
    {
        if (journal is null || envelope.JournalId is not { } id) return;
        try
        {
            await journal.RemoveAsync([id], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Handled but still journaled: after a crash it would be delivered again (at least once, never lost).
            LogJournalFailed(ex, Name, "remove a handled message");
        }
    }

    /// <summary>Schedules a failed message's redelivery, durably first.</summary>
    public async Task RetryAsync(InMemoryEnvelope failed, TimeSpan delay)
    {
        if (journal is not null && failed.JournalId is { } id)
        {
            try
            {
                await journal.DelayAsync(id, failed.FailedAttempts, timeProvider.GetUtcNow() + delay, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogJournalFailed(ex, Name, "record a retry");
            }
        }
        // Settled: deliveries count only those that ended without a verdict (see QueueTopology.DeliveryLimit).
        EnqueueAfter(failed with { Deliveries = 0 }, delay);
    }

    /// <summary>Puts the message back after <paramref name="delay"/>; not tied to any consumer, so disposing one loses nothing.</summary>
    public void EnqueueAfter(InMemoryEnvelope envelope, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(envelope);
            return;
        }

        // Counting and arming under one lock: whoever sees the count also sees the timer armed.
        lock (_delayGate)
        {
            ITimer? timer = null;
            timer = timeProvider.CreateTimer(_ =>
            {
                lock (_delayGate) _delayed--;
                Enqueue(envelope);
                timer?.Dispose();
            }, null, delay, Timeout.InfiniteTimeSpan);
            _delayed++;
        }
    }

    public async Task DeadLetterAsync(InMemoryEnvelope envelope, string reason)
    {
        var at = timeProvider.GetUtcNow();
        if (journal is not null && envelope.JournalId is { } id)
        {
            try
            {
                await journal.DeadLetterAsync(id, envelope.FailedAttempts, reason, at, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogJournalFailed(ex, Name, "dead-letter a message");
            }
        }
        var letter = new DeadLetter(Name, Encoding.UTF8.GetString(envelope.Body), reason, envelope.FailedAttempts, at);
        List<long> dropped = [];
        lock (_deadGate)
        {
            _dead.AddLast((envelope with { Deliveries = 0 }, letter));
            while (_dead.Count > deadLetterMaxLength)
            {
                if (_dead.First!.Value.Envelope.JournalId is { } old) dropped.Add(old);
                _dead.RemoveFirst();
            }
        }
        DeadLetterMetrics.Record(Name, envelope.Body);
        if (dropped.Count > 0 && journal is not null)
        {
            try
            {
                await journal.RemoveAsync(dropped, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogJournalFailed(ex, Name, "drop the oldest dead letters");
            }
        }
    }

    public IReadOnlyList<DeadLetter> PeekDead(int max)
    {
        lock (_deadGate) return _dead.Take(max).Select(d => d.Letter).ToList();
    }

    /// <summary>Moves up to <paramref name="max"/> dead letters back to the queue with a fresh attempt count.</summary>
    public async Task<int> ReplayAsync(int max, CancellationToken cancellationToken)
    {
        var moved = 0;
        while (moved < max)
        {
            (InMemoryEnvelope Envelope, DeadLetter Letter) item;
            lock (_deadGate)
            {
                if (_dead.First is not { } first) break;
                item = first.Value;
                _dead.RemoveFirst();
            }
            var envelope = item.Envelope;
            if (journal is not null && envelope.JournalId is { } id)
            {
                try
                {
                    await journal.ReviveAsync(id, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    lock (_deadGate) _dead.AddFirst(item);
                    throw;
                }
            }
            Enqueue(envelope with { FailedAttempts = 0, Deliveries = 0 });
            moved++;
        }
        return moved;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue {Queue}: could not {Action} in the message journal")]
    private partial void LogJournalFailed(Exception error, string queue, string action);
}

using System.Text;
using System.Threading.Channels;
using PassportBot.Observability;

namespace PassportBot.Messaging.InMemory;

/// <summary>One named queue: ready messages, delayed redeliveries and dead letters.</summary>
internal sealed class InMemoryQueue(string name, TimeProvider timeProvider)
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

    public void DeadLetter(InMemoryEnvelope envelope, string reason)
    {
        var letter = new DeadLetter(Name, Encoding.UTF8.GetString(envelope.Body), reason, envelope.FailedAttempts, timeProvider.GetUtcNow());
        lock (_deadGate) _dead.AddLast((envelope, letter));
        PassportBotMetrics.DeadLettered(Name);
    }

    public IReadOnlyList<DeadLetter> PeekDead(int max)
    {
        lock (_deadGate) return _dead.Take(max).Select(d => d.Letter).ToList();
    }

    /// <summary>Moves up to <paramref name="max"/> dead letters back to the queue with a fresh attempt count.</summary>
    public int Replay(int max)
    {
        var moved = 0;
        while (moved < max)
        {
            InMemoryEnvelope envelope;
            lock (_deadGate)
            {
                if (_dead.First is not { } first) break;
                envelope = first.Value.Envelope;
                _dead.RemoveFirst();
            }
            Enqueue(envelope with { FailedAttempts = 0 });
            moved++;
        }
        return moved;
    }
}

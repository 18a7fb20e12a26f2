namespace PassportBot.Telegram.Dispatching;

/// <summary>Admits a bounded number of sends at once and, when they are all taken, gives the next free place to
/// an urgent waiter before any bulk one. The dispatcher holds many more messages than it sends at once (its
/// prefetch window), so a channel post, an alert or a reply that arrives behind a fan-out of direct messages
/// overtakes them here, within the same rate limits: the bus needs no priority of its own.</summary>
public sealed class PriorityGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _urgent = new();
    private readonly LinkedList<TaskCompletionSource> _bulk = new();
    private int _free;

    public PriorityGate(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _free = capacity;
    }

    public int Capacity { get; }

    /// <summary>Waiters not yet admitted (for tests and metrics).</summary>
    public (int Urgent, int Bulk) Waiting
    {
        get
        {
            lock (_lock) return (_urgent.Count, _bulk.Count);
        }
    }

    /// <summary>Waits for a place; dispose the result to give it back.</summary>
    public async ValueTask<Admission> EnterAsync(bool urgent, CancellationToken cancellationToken)
    {
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            // A free place means nobody waits: a release hands its place straight to the next waiter.
            if (_free > 0)
            {
                _free--;
                return new Admission(this);
            }
            node = (urgent ? _urgent : _bulk).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        await using (cancellationToken.Register(() => Cancel(node, cancellationToken)))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
        return new Admission(this);
    }

    private void Cancel(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Already admitted: the place is ours and is given back by the admission.
            if (node.List is null) return;
            node.List.Remove(node);
        }
        node.Value.TrySetCanceled(cancellationToken);
    }

    private void Release()
    {
        TaskCompletionSource? next = null;
        lock (_lock)
        {
            var queue = _urgent.Count > 0 ? _urgent : _bulk.Count > 0 ? _bulk : null;
            if (queue is null)
            {
                _free++;
            }
            else
            {
                next = queue.First!.Value;
                queue.RemoveFirst();
            }
        }
        next?.TrySetResult();
    }

    /// <summary>A place in the gate, given back once on dispose.</summary>
    public sealed class Admission : IDisposable
    {
        private PriorityGate? _gate;

        internal Admission(PriorityGate gate) => _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}

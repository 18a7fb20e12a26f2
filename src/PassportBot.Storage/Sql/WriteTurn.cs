namespace PassportBot.Storage.Sql;

/// <summary>
/// The turn of this process's SQLite writers: one at a time, without blocking a thread, first in first out within
/// each of two classes. Short writes (a relay claim, a journal append, a sent id) go before bulk writes (a fan-out
/// chunk of hundreds of rows) that are waiting, so the first message of a fan-out does not queue behind the rest of
/// it; a bulk writer still goes after at most <see cref="MaxShortTurnsAhead"/> short ones, so it is never starved.
/// </summary>
/// <remarks>Hand-written because <see cref="SemaphoreSlim"/> has one queue; the .NET libraries offer no async lock
/// with classes of waiters.</remarks>
internal sealed class WriteTurn
{
    /// <summary>Short turns granted in a row while a bulk writer waits, before the bulk writer goes.</summary>
    public const int MaxShortTurnsAhead = 4;

    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _short = new();
    private readonly LinkedList<TaskCompletionSource> _bulk = new();
    private bool _held;
    private int _shortAheadOfBulk;

    /// <summary>Waits for the turn; <see cref="Exit"/> ends it. A waiter cancelled before its turn takes none.</summary>
    public Task EnterAsync(bool bulk, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        LinkedListNode<TaskCompletionSource> node;
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
            // Asynchronous continuations: the next writer must not run inside the previous one's Exit.
            node = (bulk ? _bulk : _short).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        return cancellationToken.CanBeCanceled ? WaitAsync(node, cancellationToken) : node.Value.Task;
    }

    private async Task WaitAsync(LinkedListNode<TaskCompletionSource> node, CancellationToken cancellationToken)
    {
        await using (cancellationToken.Register(() =>
        {
            bool removed;
            lock (_gate)
            {
                // Still queued: nobody granted it the turn, so it can leave without one.
                removed = node.List is not null;
                if (removed) node.List!.Remove(node);
            }
            if (removed) node.Value.TrySetCanceled(cancellationToken);
        }).ConfigureAwait(false))
        {
            await node.Value.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Ends the current turn and hands it to the next waiter, if any.</summary>
    public void Exit()
    {
        TaskCompletionSource next;
        lock (_gate)
        {
            var bulkFirst = _bulk.Count > 0 && (_short.Count == 0 || _shortAheadOfBulk >= MaxShortTurnsAhead);
            var queue = bulkFirst ? _bulk : _short;
            if (queue.First is not { } first)
            {
                _held = false;
                return;
            }
            queue.RemoveFirst();
            next = first.Value;
            _shortAheadOfBulk = bulkFirst || _bulk.Count == 0 ? 0 : _shortAheadOfBulk + 1;
        }
        next.TrySetResult();
    }
}

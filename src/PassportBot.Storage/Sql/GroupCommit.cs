namespace PassportBot.Storage.Sql;

internal static class GroupCommit
{
    /// <summary>A group commit of writes that return nothing.</summary>
    public static GroupCommit<TItem, bool> Writes<TItem>(Func<IReadOnlyList<TItem>, CancellationToken, Task> write, int maxBatch) =>
        new(async (items, ct) =>
        {
            await write(items, ct).ConfigureAwait(false);
            return Enumerable.Repeat(true, items.Count).ToList();
        }, maxBatch);
}

/// <summary>
/// Coalesces small operations that arrive concurrently into one database statement (group commit): while one
/// batch is being written, the items that arrive queue up and go together in the next one. A lone caller waits for
/// nothing (no timer); under load, hundreds of single-row writes share one transaction and one log flush.
/// </summary>
/// <remarks>
/// Why: the dispatcher records every sent message id and the embedded bus journals every delivery. One statement
/// each meant thousands of write transactions a second during a fan-out; on SQLite each waits for the single write
/// lock (in SQLite's busy handler, which sleeps and is unfair), on MariaDB/PostgreSQL each pays a commit. Hand-written
/// because no maintained .NET library offers an async group commit; it is small and only orders and completes calls.
/// Each caller gets the outcome of the batch its item went in: its result, or the batch's exception. A caller that
/// gives up (its token) stops waiting, but its item is still written, which every operation batched here tolerates
/// (idempotent inserts, updates and deletes of rows that may be gone).
/// </remarks>
internal sealed class GroupCommit<TItem, TResult>
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _flush;
    private readonly int _maxBatch;
    private readonly Lock _lock = new();
    private List<Pending> _pending = [];
    private bool _flushing;

    /// <param name="flush">Writes (or reads) a batch; returns one result per item, in the items' order.</param>
    /// <param name="maxBatch">Most items per call of <paramref name="flush"/> (statement parameter limits).</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> flush, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        _flush = flush;
        _maxBatch = maxBatch;
    }

    /// <summary>Batches in flight since start (for tests).</summary>
    public int Flushes { get; private set; }

    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (_lock)
        {
            _pending.Add(new Pending(item, done));
            start = !_flushing;
            _flushing = true;
        }
        // The flusher runs apart from any caller, so no caller is kept writing for others after its own item.
        if (start) _ = Task.Run(FlushLoopAsync, CancellationToken.None);
        return cancellationToken.CanBeCanceled ? done.Task.WaitAsync(cancellationToken) : done.Task;
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _flushing = false;
                    return;
                }
                if (_pending.Count <= _maxBatch)
                {
                    batch = _pending;
                    _pending = [];
                }
                else
                {
                    batch = _pending.GetRange(0, _maxBatch);
                    _pending.RemoveRange(0, _maxBatch);
                }
                Flushes++;
            }
            try
            {
                var results = await _flush(batch.ConvertAll(p => p.Item), CancellationToken.None).ConfigureAwait(false);
                if (results.Count != batch.Count)
                    throw new InvalidOperationException($"A batch of {batch.Count} returned {results.Count} results.");
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception e)
            {
                foreach (var p in batch) p.Done.TrySetException(e);
            }
        }
    }

    private readonly record struct Pending(TItem Item, TaskCompletionSource<TResult> Done);
}

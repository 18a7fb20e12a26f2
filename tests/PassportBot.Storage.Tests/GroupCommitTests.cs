using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Tests;

public sealed class GroupCommitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Items_arriving_while_a_batch_is_written_go_together_in_the_next_one()
    {
        var batches = new List<IReadOnlyList<int>>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var group = new GroupCommit<int, string>(async (items, _) =>
        {
            lock (batches) batches.Add(items);
            if (items.Contains(0))
            {
                firstStarted.SetResult();
                await releaseFirst.Task;
            }
            return items.Select(i => $"r{i}").ToList();
        }, maxBatch: 40);

        var first = group.RunAsync(0, CancellationToken.None);
        await firstStarted.Task.WaitAsync(Timeout);
        var rest = Enumerable.Range(1, 99).Select(i => group.RunAsync(i, CancellationToken.None)).ToList();
        releaseFirst.SetResult();

        Assert.Equal("r0", await first.WaitAsync(Timeout));
        Assert.Equal(Enumerable.Range(1, 99).Select(i => $"r{i}"), await Task.WhenAll(rest).WaitAsync(Timeout));
        // One alone, then the 99 that waited meanwhile, at most 40 a batch, in arrival order.
        Assert.Equal([1, 40, 40, 19], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b));
        Assert.Equal(4, group.Flushes);
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_callers_and_the_next_batch_is_written()
    {
        var calls = 0;
        var group = GroupCommit.Writes<int>((items, _) =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("disk full") : Task.CompletedTask, maxBatch: 10);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => group.RunAsync(1, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal("disk full", failed.Message);
        Assert.True(await group.RunAsync(2, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_caller_that_gives_up_stops_waiting_and_the_others_are_answered()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var group = GroupCommit.Writes<int>(async (_, _) => await release.Task, maxBatch: 10);
        using var cancel = new CancellationTokenSource();

        var patient = group.RunAsync(1, CancellationToken.None);
        var impatient = group.RunAsync(2, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.WaitAsync(Timeout));
        Assert.False(patient.IsCompleted);
        release.SetResult();
        Assert.True(await patient.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_flush_returning_the_wrong_number_of_results_fails_its_callers()
    {
        var group = new GroupCommit<int, int>((_, _) => Task.FromResult<IReadOnlyList<int>>([]), maxBatch: 10);
        await Assert.ThrowsAsync<InvalidOperationException>(() => group.RunAsync(1, CancellationToken.None).WaitAsync(Timeout));
    }
}

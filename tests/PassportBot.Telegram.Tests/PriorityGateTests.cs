using PassportBot.Telegram.Dispatching;

namespace PassportBot.Telegram.Tests;

public sealed class PriorityGateTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_freed_place_goes_to_an_urgent_waiter_before_earlier_bulk_waiters()
    {
        var gate = new PriorityGate(2);
        var a = await gate.EnterAsync(urgent: false, CancellationToken.None);
        var b = await gate.EnterAsync(urgent: false, CancellationToken.None);
        var bulk = Enumerable.Range(0, 5).Select(_ => gate.EnterAsync(urgent: false, CancellationToken.None).AsTask()).ToList();
        var urgent = gate.EnterAsync(urgent: true, CancellationToken.None).AsTask();
        Assert.Equal((1, 5), gate.Waiting);

        a.Dispose();
        using var first = await urgent.WaitAsync(Wait);
        Assert.All(bulk, t => Assert.False(t.IsCompleted));

        b.Dispose();
        using var second = await bulk[0].WaitAsync(Wait);
        Assert.Equal((0, 4), gate.Waiting);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_takes_no_place()
    {
        var gate = new PriorityGate(1);
        var held = await gate.EnterAsync(urgent: false, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(urgent: true, cts.Token).AsTask();
        var next = gate.EnterAsync(urgent: false, CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        held.Dispose();
        held.Dispose(); // a second dispose gives nothing back twice
        using var admitted = await next.WaitAsync(Wait);
        Assert.Equal((0, 0), gate.Waiting);
        var extra = gate.EnterAsync(urgent: false, CancellationToken.None).AsTask();
        Assert.False(extra.IsCompleted);
    }
}

using Microsoft.Extensions.Time.Testing;
using PassportBot.Resilience;

namespace PassportBot.Resilience.Tests;

public sealed class ExponentialBackoffTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void Stored_delays_double_from_the_first_and_stop_at_the_cap()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

        var delays = Enumerable.Range(1, 8).Select(backoff.DelayAfter).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], delays.Select(d => d.TotalMinutes));
        Assert.Equal(TimeSpan.FromHours(1), backoff.DelayAfter(int.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => backoff.DelayAfter(0));
    }

    [Fact]
    public void A_zero_first_delay_stays_zero()
    {
        var backoff = new ExponentialBackoff(TimeSpan.Zero, TimeSpan.FromHours(1));

        Assert.Equal(TimeSpan.Zero, backoff.DelayAfter(30));
    }

    [Fact]
    public void A_cap_below_the_first_delay_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Without_jitter_the_pipeline_waits_the_stored_series()
    {
        var time = new FakeTimeProvider();
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)) { Jitter = false };
        var waits = new List<TimeSpan>();
        var pipeline = backoff.Pipeline(time, _ => true, (_, _, delay) => waits.Add(delay), maxRetries: 8);

        var run = pipeline.ExecuteAsync(_ => throw new IOException("down"), CancellationToken.None).AsTask();
        await AdvanceUntil(time, () => run.IsCompleted);

        await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Equal(Enumerable.Range(1, 8).Select(backoff.DelayAfter), waits);
    }

    [Fact]
    public async Task Jittered_waits_grow_on_average_and_never_pass_the_cap()
    {
        var time = new FakeTimeProvider();
        var backoff = new ExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        var waits = new List<TimeSpan>();
        var start = time.GetUtcNow();
        var pipeline = backoff.Pipeline(time, _ => true, (_, _, delay) => waits.Add(delay), maxRetries: 40);

        var run = pipeline.ExecuteAsync(_ => throw new IOException("down"), CancellationToken.None).AsTask();
        await AdvanceUntil(time, () => run.IsCompleted);

        await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Equal(40, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.Zero, backoff.Max));
        // The first few stay near the first delay; later ones sit at the cap (decorrelated jitter is capped too).
        Assert.True(waits.Take(3).Sum(w => w.TotalMilliseconds) < 3 * 400, string.Join(", ", waits));
        Assert.True(waits.Skip(30).All(w => w > TimeSpan.FromSeconds(2)), string.Join(", ", waits));
        // The pipeline really waited them on the injected clock.
        Assert.True(time.GetUtcNow() - start >= waits.Aggregate(TimeSpan.Zero, (a, b) => a + b));
    }

    [Fact]
    public async Task A_failure_that_lasts_for_days_keeps_waiting_the_cap()
    {
        // Past about a thousand retries 2^n overflows a double: the waits must stay capped, not turn negative or zero.
        var time = new FakeTimeProvider();
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        var waits = new List<TimeSpan>();
        var pipeline = backoff.Pipeline(time, _ => true, (_, _, delay) => waits.Add(delay), maxRetries: 1500);

        var run = pipeline.ExecuteAsync(_ => throw new IOException("down"), CancellationToken.None).AsTask();
        await AdvanceUntil(time, () => run.IsCompleted, step: TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<IOException>(() => run);
        Assert.Equal(1500, waits.Count);
        Assert.All(waits.Skip(20), w => Assert.InRange(w, TimeSpan.FromSeconds(30), backoff.Max));
    }

    [Fact]
    public async Task Failures_it_does_not_handle_are_not_retried()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        var calls = 0;
        var pipeline = backoff.Pipeline(new FakeTimeProvider(), e => e is IOException);

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new InvalidOperationException("bug");
        }, CancellationToken.None).AsTask());
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_failure_after_cancellation_ends_at_once_instead_of_waiting_for_a_retry()
    {
        var backoff = new ExponentialBackoff(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        var calls = 0;
        using var stop = new CancellationTokenSource();
        var pipeline = backoff.Pipeline(new FakeTimeProvider(), _ => true);

        var run = pipeline.ExecuteAsync(_ =>
        {
            calls++;
            stop.Cancel();
            throw new IOException("connection dropped while stopping");
        }, stop.Token).AsTask();

        // No fake time passes: without the token the minute-long wait would never end.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Patience));
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Service_retry_keeps_trying_until_the_attempt_succeeds()
    {
        var time = new FakeTimeProvider();
        var failures = new List<TimeSpan>();
        var retry = new ServiceRetry(new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), time, (_, d) => failures.Add(d));
        var calls = 0;

        var run = retry.RunAsync(_ => ++calls < 20 ? throw new IOException("broker away") : default, CancellationToken.None);
        await AdvanceUntil(time, () => run.IsCompleted);

        await run;
        Assert.Equal(20, calls);
        Assert.Equal(19, failures.Count);
        Assert.All(failures, d => Assert.InRange(d, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Service_retry_retries_a_timeout_that_is_not_the_service_stopping()
    {
        var time = new FakeTimeProvider();
        var retry = new ServiceRetry(new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), time, (_, _) => { });
        var calls = 0;

        var run = retry.RunAsync(_ => ++calls == 1 ? throw new TaskCanceledException("query timed out") : default, CancellationToken.None);
        await AdvanceUntil(time, () => run.IsCompleted);

        await run;
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Stopping_ends_the_wait_for_the_next_retry_at_once()
    {
        var time = new FakeTimeProvider();
        var waiting = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var retry = new ServiceRetry(new ExponentialBackoff(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), time, (_, d) => waiting.TrySetResult(d));
        using var stop = new CancellationTokenSource();
        var calls = 0;

        var run = retry.RunAsync(_ =>
        {
            calls++;
            throw new IOException("down");
        }, stop.Token);
        await waiting.Task.WaitAsync(Patience);
        stop.Cancel();

        // No fake time passes: the minute-long wait must end because of the token alone.
        await run.WaitAsync(Patience);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Stopping_during_an_attempt_returns_without_retrying()
    {
        var time = new FakeTimeProvider();
        var failures = 0;
        var retry = new ServiceRetry(new ExponentialBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)), time, (_, _) => failures++);
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var run = retry.RunAsync(async ct =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }, stop.Token);
        await started.Task.WaitAsync(Patience);
        stop.Cancel();

        await run.WaitAsync(Patience);
        Assert.Equal(0, failures);
    }

    /// <summary>Moves fake time on in small steps until <paramref name="done"/>, letting the pipeline's timers fire.</summary>
    private static async Task AdvanceUntil(FakeTimeProvider time, Func<bool> done, TimeSpan? step = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the retries");
            time.Advance(step ?? TimeSpan.FromMilliseconds(50));
            await Task.Yield();
        }
    }
}

using Polly;
using Polly.Retry;

namespace PassportBot.Resilience;

/// <summary>Exponential back-off, capped, with jitter: the one definition of "wait longer after each failure".
/// Waits are run by Polly (<see cref="Pipeline"/>, <see cref="ServiceRetry"/>), on the injected clock so tests drive
/// them with a fake one. Delays that nobody waits for but that are kept as data (a paused channel's next try, a
/// message's redelivery time) come from <see cref="DelayAfter"/>.</summary>
public sealed record ExponentialBackoff
{
    /// <param name="first">Delay after the first failure; doubles after each further one.</param>
    /// <param name="max">Longest delay.</param>
    public ExponentialBackoff(TimeSpan first, TimeSpan max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, first);
        First = first;
        Max = max;
    }

    public TimeSpan First { get; }

    public TimeSpan Max { get; }

    /// <summary>Spreads retries around the doubling series (Polly's decorrelated jitter: about the same median, each
    /// wait between 0 and twice its step, never above Max), so processes that failed together do not retry in step.
    /// On by default.</summary>
    public bool Jitter { get; init; } = true;

    /// <summary>Polly's retry options for this back-off; the caller adds what to handle and what to log.</summary>
    public RetryStrategyOptions<TResult> RetryOptions<TResult>(int maxRetries = int.MaxValue)
    {
        var options = new RetryStrategyOptions<TResult>();
        Configure(options, maxRetries);
        return options;
    }

    /// <summary>A pipeline retrying failures that <paramref name="handles"/> accepts with this back-off, at most
    /// <paramref name="maxRetries"/> times. The cancellation of the caller's token is never retried, and ends a
    /// wait for the next retry at once (<see cref="OperationCanceledException"/>).</summary>
    /// <param name="onRetry">Told the failure, the retry number (1-based) and the wait, before waiting.</param>
    public ResiliencePipeline Pipeline(
        TimeProvider time,
        Func<Exception, bool> handles,
        Action<Exception, int, TimeSpan>? onRetry = null,
        int maxRetries = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(handles);
        var options = new RetryStrategyOptions();
        Configure(options, maxRetries);
        options.ShouldHandle = args => ValueTask.FromResult(
            args.Outcome.Exception is { } e
            && !(e is OperationCanceledException && args.Context.CancellationToken.IsCancellationRequested)
            && handles(e));
        if (onRetry is not null)
        {
            options.OnRetry = args =>
            {
                onRetry(args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay);
                return default;
            };
        }
        return new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(options).Build();
    }

    private void Configure<TResult>(RetryStrategyOptions<TResult> options, int maxRetries)
    {
        options.MaxRetryAttempts = maxRetries;
        options.BackoffType = DelayBackoffType.Exponential;
        options.Delay = First;
        options.MaxDelay = Max;
        options.UseJitter = Jitter;
    }

    /// <summary>The delay after <paramref name="failures"/> failures in a row, without jitter: First·2^(n-1),
    /// at most Max. The same series Polly waits (its exponential back-off before jitter); written out here
    /// because Polly's generator is internal and these delays are stored, not waited for, so no pipeline runs
    /// them. The only hand-written back-off formula in the code base.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        // 2^40 times any positive delay is beyond every cap worth having, and still far from overflowing a double.
        var ticks = First.Ticks * Math.Pow(2, Math.Min(failures - 1, 40));
        return ticks >= Max.Ticks ? Max : TimeSpan.FromTicks((long)ticks);
    }
}

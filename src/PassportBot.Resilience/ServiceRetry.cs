using Polly;

namespace PassportBot.Resilience;

/// <summary>The retry of a long-running service loop (start a consumer, relay the outbox, expand fan-out jobs):
/// every failure is logged and retried after an <see cref="ExponentialBackoff"/>, for ever, until the service
/// stops. Each <see cref="RunAsync"/> starts the series afresh, so one success resets the back-off.</summary>
public sealed class ServiceRetry
{
    private readonly ResiliencePipeline pipeline;

    /// <param name="onFailure">Told each failure and how long the loop waits before trying again.</param>
    public ServiceRetry(ExponentialBackoff backoff, TimeProvider time, Action<Exception, TimeSpan> onFailure)
    {
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentNullException.ThrowIfNull(onFailure);
        // A cancellation that is not the service stopping (a timeout inside the attempt) is a failure like any other.
        pipeline = backoff.Pipeline(time, _ => true, (e, _, delay) => onFailure(e, delay));
    }

    /// <summary>Runs <paramref name="attempt"/> until it completes once, retrying failures. Returns early, without
    /// throwing, when <paramref name="stoppingToken"/> fires: during an attempt or while waiting to retry.</summary>
    public async Task RunAsync(Func<CancellationToken, ValueTask> attempt, CancellationToken stoppingToken)
    {
        try
        {
            await pipeline.ExecuteAsync(attempt, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

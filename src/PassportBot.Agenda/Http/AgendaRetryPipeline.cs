using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace PassportBot.Agenda.Http;

/// <summary>Per-attempt timeout inside exponential back-off with jitter (each delay at most one poll interval), on
/// the injected clock so tests can run with small delays. Only transient failures are retried; an expired session never is.</summary>
public sealed class AgendaRetryPipeline
{
    private readonly ResiliencePipeline pipeline;

    public AgendaRetryPipeline(IOptions<AgendaOptions> options, TimeProvider time, ILogger<AgendaRetryPipeline> logger)
    {
        var o = options.Value;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (o.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = o.MaxRetries,
                Delay = o.RetryBaseDelay,
                // Doubling is uncapped otherwise (the 10th retry of a 1 s base would wait over 8 minutes); a retry
                // that waits longer than a poll interval only delays the next poll, which tries again anyway.
                MaxDelay = o.PollInterval,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<AgendaTransientException>().Handle<TimeoutRejectedException>(),
                OnRetry = args =>
                {
                    logger.LogWarning("Agenda request failed ({Reason}); retry {Attempt} of {Max} in {Delay} ms.",
                        Describe(args.Outcome.Exception), args.AttemptNumber + 1, o.MaxRetries, (int)args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }
        builder.AddTimeout(o.RequestTimeout);
        pipeline = builder.Build();
        Attempts = o.MaxRetries + 1;
        Timeout = o.RequestTimeout;
    }

    internal int Attempts { get; }
    internal TimeSpan Timeout { get; }

    internal ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(attempt, cancellationToken);

    private static string Describe(Exception? ex) => ex switch
    {
        TimeoutRejectedException t => $"timed out after {t.Timeout.TotalSeconds:0.###} s",
        null => "no result",
        _ => ex.Message,
    };
}

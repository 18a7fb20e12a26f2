using PassportBot.Resilience;

namespace PassportBot.Messaging;

/// <summary>Retry and dead-letter rules shared by every transport, so they behave the same.</summary>
public static class DeliveryPolicy
{
    // Caps the exponential back-off so a large MaxAttempts cannot overflow TimeSpan or park a message for days.
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private const int MaxReasonLength = 1000;

    /// <summary>Delay before redelivering a message that has failed <paramref name="failedAttempts"/> times: RetryDelay·2^(n-1),
    /// at most <see cref="MaxRetryDelay"/>. A delivery schedule kept with the message on the bus (a delay queue, the
    /// journal), not a wait: hence the shared back-off's stored series, without jitter, rather than a retry pipeline.</summary>
    public static TimeSpan RetryDelay(ConsumerOptions options, int failedAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var first = options.RetryDelay < MaxRetryDelay ? options.RetryDelay : MaxRetryDelay;
        return new ExponentialBackoff(first, MaxRetryDelay).DelayAfter(failedAttempts);
    }

    /// <summary>True when a message whose handler failed this way must not be tried again.</summary>
    public static bool ShouldDeadLetter(ConsumerOptions options, int failedAttempts, Exception error) =>
        error is PoisonMessageException || failedAttempts >= options.MaxAttempts;

    /// <summary>A short, single-line description of why a message was dead-lettered.</summary>
    public static string Reason(Exception error)
    {
        var text = $"{error.GetType().Name}: {error.Message}".ReplaceLineEndings(" ");
        return text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];
    }

    public static void Validate(ConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Prefetch, 1, nameof(options.Prefetch));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Prefetch, ushort.MaxValue, nameof(options.Prefetch));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options.MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxConcurrency, ushort.MaxValue, nameof(options.MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1, nameof(options.MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryDelay, TimeSpan.Zero, nameof(options.RetryDelay));
    }
}

namespace PassportBot.Messaging;

/// <summary>Retry and dead-letter rules shared by every transport, so they behave the same.</summary>
public static class DeliveryPolicy
{
    // Caps the exponential back-off so a large MaxAttempts cannot overflow TimeSpan or park a message for days.
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private const int MaxReasonLength = 1000;

    /// <summary>Delay before redelivering a message that has failed <paramref name="failedAttempts"/> times: RetryDelay·2^(n-1).</summary>
    public static TimeSpan RetryDelay(ConsumerOptions options, int failedAttempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ticks = options.RetryDelay.Ticks * (double)(1L << exponent);
        return ticks >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)ticks);
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

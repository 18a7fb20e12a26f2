using PassportBot.Telegram.Sending;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Counters since start, for /health and the benchmark.</summary>
/// <param name="Retried">Sends repeated in-process (after a 429, a transient failure or a plain-text fallback).</param>
/// <param name="Redelivered">Messages handed back to the bus after repeated transient failures.</param>
/// <param name="AlreadySent">Copies of messages sent before (delivered again after a crash) that were not sent again.</param>
public sealed record DispatcherCounters(
    long Sent, long Retried, long TooManyRequests, long Deactivated, long Failed, long PlainTextFallbacks,
    long Redelivered, DateTimeOffset? PausedUntil, long AlreadySent = 0, long ChannelPaused = 0);

public sealed class DispatcherMetrics(SendRateLimiter limiter)
{
    private long _sent, _retried, _tooManyRequests, _deactivated, _failed, _plainText, _redelivered, _alreadySent, _channelPaused;

    public DispatcherCounters Snapshot() => new(
        Interlocked.Read(ref _sent), Interlocked.Read(ref _retried), Interlocked.Read(ref _tooManyRequests),
        Interlocked.Read(ref _deactivated), Interlocked.Read(ref _failed), Interlocked.Read(ref _plainText),
        Interlocked.Read(ref _redelivered), limiter.PausedUntil, Interlocked.Read(ref _alreadySent),
        Interlocked.Read(ref _channelPaused));

    internal void Sent() => Interlocked.Increment(ref _sent);
    internal void Retried() => Interlocked.Increment(ref _retried);
    internal void TooManyRequests() => Interlocked.Increment(ref _tooManyRequests);
    internal void Deactivated() => Interlocked.Increment(ref _deactivated);
    internal void Failed() => Interlocked.Increment(ref _failed);
    internal void PlainTextFallback() => Interlocked.Increment(ref _plainText);
    internal void Redelivered() => Interlocked.Increment(ref _redelivered);
    internal void AlreadySent() => Interlocked.Increment(ref _alreadySent);
    /// <summary>Channel posts not sent because their channel is paused.</summary>
    internal void ChannelPaused() => Interlocked.Increment(ref _channelPaused);
}

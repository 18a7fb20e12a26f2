namespace PassportBot.Workers;

/// <summary>Posts each channel was given in the last minute by this process, so a poll with more offices than the
/// channel's remaining budget merges them into fewer posts instead of queueing posts that Telegram would refuse.
/// In memory: with several availability handlers each counts its own posts; the dispatcher's per-channel limit
/// still holds the channel to its budget (by delaying what exceeds it).</summary>
public sealed class ChannelPostBudget(TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<DateTimeOffset>> _posts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Posts <paramref name="channel"/> may still get in the current minute.</summary>
    public int Remaining(string channel, int perMinute)
    {
        lock (_lock)
        {
            return Math.Max(0, perMinute - Recent(channel).Count);
        }
    }

    /// <summary>Records <paramref name="count"/> posts to <paramref name="channel"/> now.</summary>
    public void Spend(string channel, int count)
    {
        lock (_lock)
        {
            var recent = Recent(channel);
            var now = time.GetUtcNow();
            for (var i = 0; i < count; i++) recent.Enqueue(now);
        }
    }

    private Queue<DateTimeOffset> Recent(string channel)
    {
        if (!_posts.TryGetValue(channel, out var recent)) _posts[channel] = recent = new Queue<DateTimeOffset>();
        var cutoff = time.GetUtcNow() - Window;
        while (recent.Count > 0 && recent.Peek() <= cutoff) recent.Dequeue();
        return recent;
    }
}

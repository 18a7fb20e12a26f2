using System.Threading.RateLimiting;

namespace PassportBot.Telegram.Bot;

/// <summary>Bounds municipality look-ups on the agenda site, which run with the operator's session: a few per chat
/// per minute (a plain message of letters is a look-up, so a chatty or hostile user could otherwise drive the
/// site on our session) and a ceiling for all chats together. System.Threading.RateLimiting's token buckets,
/// partitioned by chat and chained with the global one, rather than counters of our own.</summary>
public sealed class TownLookupLimiter : IDisposable
{
    public const int PerChatPerMinute = 5;
    public const int AllChatsPerMinute = 60;

    private readonly PartitionedRateLimiter<long> _limiter = PartitionedRateLimiter.CreateChained(
        PartitionedRateLimiter.Create<long, long>(chat => RateLimitPartition.GetTokenBucketLimiter(chat, _ => Bucket(PerChatPerMinute))),
        PartitionedRateLimiter.Create<long, int>(_ => RateLimitPartition.GetTokenBucketLimiter(0, _ => Bucket(AllChatsPerMinute))));

    /// <summary>True when this chat may look up a municipality now (the permit is used).</summary>
    public bool TryAcquire(long chatId)
    {
        using var lease = _limiter.AttemptAcquire(chatId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();

    private static TokenBucketRateLimiterOptions Bucket(int perMinute) => new()
    {
        TokenLimit = perMinute,
        TokensPerPeriod = perMinute,
        ReplenishmentPeriod = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

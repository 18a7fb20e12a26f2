using Microsoft.Extensions.Time.Testing;
using PassportBot.Telegram.Dispatching;
using PassportBot.Telegram.Sending;

namespace PassportBot.Telegram.Tests;

/// <summary>The limiter under a fake clock. Without a synchronization context its continuations run inline
/// when the clock advances, so what has been granted is known right after each Advance.</summary>
public sealed class SendRateLimiterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));

    public SendRateLimiterTests() => SynchronizationContext.SetSynchronizationContext(null);

    private SendRateLimiter Limiter(double? perSecond = null, int burst = 1, double chatSeconds = 1, double groupSeconds = 3) =>
        new(new SendRateLimits(perSecond, burst, TimeSpan.FromSeconds(chatSeconds), TimeSpan.FromSeconds(groupSeconds)), _time);

    [Fact]
    public async Task Messages_to_one_private_chat_are_spaced_by_the_interval()
    {
        var limiter = Limiter();
        var first = limiter.WaitAsync(1, CancellationToken.None).AsTask();
        var second = limiter.WaitAsync(1, CancellationToken.None).AsTask();
        var third = limiter.WaitAsync(1, CancellationToken.None).AsTask();

        await first.WaitAsync(Wait);
        Assert.False(second.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(Wait);
        Assert.False(third.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        await third.WaitAsync(Wait);
    }

    [Fact]
    public void Reservations_released_together_by_late_timers_still_respect_the_one_second_window()
    {
        // 30 senders reserve tokens 100 ms apart; then the clock jumps 5 s at once, as when a loaded machine or a
        // GC pause fires every timer late: only rate + burst may go in that instant, the rest a second later.
        var limiter = Limiter(perSecond: 10, burst: 1);
        var sends = Enumerable.Range(1, 30).Select(chat => limiter.WaitAsync(chat, CancellationToken.None).AsTask()).ToList();

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1 + 11, sends.Count(t => t.IsCompletedSuccessfully)); // the burst token at once, then 11 at 5 s

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1 + 11 + 11, sends.Count(t => t.IsCompletedSuccessfully));
    }

    [Fact]
    public void A_channel_gets_its_posts_a_second_apart_and_no_more_than_its_budget_in_any_minute()
    {
        var limiter = Limiter(groupSeconds: 3);
        var posts = Enumerable.Range(0, 22).Select(_ => limiter.WaitForChannelAsync(-1001234567890, 20, CancellationToken.None).AsTask()).ToList();
        Assert.Equal(1, posts.Count(t => t.IsCompletedSuccessfully));

        // One a second (not the 3 s of a group: posts are merged upstream to stay within the minute's budget)…
        for (var i = 1; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(i + 1, posts.Count(t => t.IsCompletedSuccessfully));
        }
        // …and the 21st only when the first post leaves the sliding minute.
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(20, posts.Count(t => t.IsCompletedSuccessfully));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(21, posts.Count(t => t.IsCompletedSuccessfully));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(22, posts.Count(t => t.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task Groups_get_twenty_messages_a_minute()
    {
        var limiter = Limiter(groupSeconds: 3);
        await limiter.WaitAsync(-100123, CancellationToken.None);
        var next = limiter.WaitAsync(-100123, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(2999));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitAsync(Wait);
    }

    [Fact]
    public async Task Different_chats_are_not_spaced_when_there_is_no_global_limit()
    {
        var limiter = Limiter(perSecond: null);
        var all = Enumerable.Range(1, 100).Select(chat => limiter.WaitAsync(chat, CancellationToken.None).AsTask()).ToArray();

        await Task.WhenAll(all).WaitAsync(Wait);
    }

    [Fact]
    public async Task The_global_bucket_grants_the_configured_rate()
    {
        var limiter = Limiter(perSecond: 10, burst: 2);
        var waits = Enumerable.Range(1, 22).Select(chat => limiter.WaitAsync(chat, CancellationToken.None).AsTask()).ToArray();

        // The burst goes at once, then one every 100 ms: 2 + 10 per second.
        await Task.WhenAll(waits.Take(2)).WaitAsync(Wait);
        Assert.Equal(2, waits.Count(t => t.IsCompleted));
        for (var step = 1; step <= 20; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(99));
            Assert.Equal(1 + step, waits.Count(t => t.IsCompleted));
            _time.Advance(TimeSpan.FromMilliseconds(1));
            await waits[1 + step].WaitAsync(Wait);
            Assert.Equal(2 + step, waits.Count(t => t.IsCompleted));
        }
    }

    [Fact]
    public async Task In_any_second_no_more_than_rate_plus_burst_are_granted()
    {
        var limiter = Limiter(perSecond: 25, burst: 2);
        var granted = new List<DateTimeOffset>();
        var waits = Enumerable.Range(1, 200).Select(async chat =>
        {
            await limiter.WaitAsync(chat, CancellationToken.None);
            lock (granted) granted.Add(_time.GetUtcNow());
        }).ToArray();

        for (var i = 0; i < 1000 && !waits.All(t => t.IsCompleted); i++) _time.Advance(TimeSpan.FromMilliseconds(10));
        await Task.WhenAll(waits).WaitAsync(Wait);

        var times = granted.Order().ToArray();
        for (var i = 0; i < times.Length; i++)
        {
            var inWindow = times.Skip(i).TakeWhile(t => t - times[i] < TimeSpan.FromSeconds(1)).Count();
            Assert.True(inWindow <= 27, $"{inWindow} grants within one second from {times[i]:HH:mm:ss.fff}");
        }
        Assert.InRange(times[^1] - times[0], TimeSpan.FromSeconds(7.8), TimeSpan.FromSeconds(8.1));
    }

    [Fact]
    public async Task A_pause_stops_every_chat_until_it_ends()
    {
        var limiter = Limiter(perSecond: 100);
        await limiter.WaitAsync(1, CancellationToken.None);
        limiter.Pause(TimeSpan.FromSeconds(3));
        Assert.Equal(_time.GetUtcNow().AddSeconds(3), limiter.PausedUntil);

        var waits = Enumerable.Range(2, 5).Select(chat => limiter.WaitAsync(chat, CancellationToken.None).AsTask()).ToArray();
        _time.Advance(TimeSpan.FromMilliseconds(2990));
        Assert.DoesNotContain(waits, t => t.IsCompleted);

        for (var i = 0; i < 10 && !waits.All(t => t.IsCompleted); i++) _time.Advance(TimeSpan.FromMilliseconds(10));
        await Task.WhenAll(waits).WaitAsync(Wait);
        Assert.Null(limiter.PausedUntil);
    }

    [Fact]
    public async Task A_shorter_pause_never_shortens_a_longer_one()
    {
        var limiter = Limiter();
        limiter.Pause(TimeSpan.FromSeconds(10));
        limiter.Pause(TimeSpan.FromSeconds(1));
        var wait = limiter.WaitAsync(1, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await wait.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_pause_that_starts_while_waiting_for_a_token_is_honoured()
    {
        var limiter = Limiter(perSecond: 1);
        await limiter.WaitAsync(1, CancellationToken.None);
        var queued = limiter.WaitAsync(2, CancellationToken.None).AsTask(); // waits 1 s for its token
        limiter.Pause(TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(queued.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(4));
        for (var i = 0; i < 20 && !queued.IsCompleted; i++) _time.Advance(TimeSpan.FromMilliseconds(100));
        await queued.WaitAsync(Wait);
    }

    [Fact]
    public async Task Cancelled_waiters_release_their_chat_and_their_token()
    {
        var limiter = Limiter(perSecond: 1);
        await limiter.WaitAsync(1, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        var cancelled = limiter.WaitAsync(1, cts.Token).AsTask();
        var other = limiter.WaitAsync(2, CancellationToken.None).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Wait));

        _time.Advance(TimeSpan.FromSeconds(1));
        await other.WaitAsync(Wait);
        _time.Advance(TimeSpan.FromSeconds(1));
        await limiter.WaitAsync(1, CancellationToken.None).AsTask().WaitAsync(Wait);
    }

    [Fact]
    public async Task Idle_chats_are_forgotten()
    {
        var limiter = Limiter();
        for (var chat = 1; chat <= 5000; chat++) await limiter.WaitAsync(chat, CancellationToken.None);
        Assert.Equal(5000, limiter.TrackedChats);

        // Past their spacing, the first 5000 carry no information: the next growth spurt prunes them.
        _time.Advance(TimeSpan.FromSeconds(2));
        for (var chat = 5001; chat <= 8500; chat++) await limiter.WaitAsync(chat, CancellationToken.None);
        Assert.Equal(3500, limiter.TrackedChats);
    }
}

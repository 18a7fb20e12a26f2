using Microsoft.Extensions.Time.Testing;
using PassportBot.Telegram.Sending;
using PassportBot.Testing;
using PassportBot.Watch.Push;

namespace PassportBot.Watch.Tests;

/// <summary>The watch sends through the dispatcher's <c>TelegramSender</c>: the same client and the same error
/// classification, told to the watch's user in its own words.</summary>
public sealed class BotApiChatSenderTests : IAsyncLifetime
{
    private const long ChatId = 515151;
    private FakeBotApiServer _telegram = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task InitializeAsync() => _telegram = await FakeBotApiServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _telegram.DisposeAsync();
    }

    private BotApiChatSender Sender(string? token = null, SendRateLimiter? limiter = null) =>
        new(token ?? _telegram.Token, _telegram.BaseUrl, ChatId, _http, limiter ?? new SendRateLimiter(BotApiChatSender.Limits(TimeSpan.Zero), TimeProvider.System));

    [Fact]
    public async Task Outcomes_are_classified_as_the_dispatcher_classifies_them()
    {
        Assert.IsType<ChatSendResult.Sent>(await Sender().SendHtmlAsync("<b>ok</b>", CancellationToken.None));
        Assert.Equal("HTML", Assert.Single(_telegram.SentMessages).ParseMode, ignoreCase: true);

        _telegram.FailNext(1, 502, "sendMessage");
        Assert.IsType<ChatSendResult.Transient>(await Sender().SendHtmlAsync("x", CancellationToken.None));

        // A revoked token: rejected at once (nothing to wait for), with a hint, never the token itself.
        const string revoked = "1:TEST-ONLY-not-a-token-revoked";
        var unauthorized = Assert.IsType<ChatSendResult.Rejected>(await Sender(revoked).SendHtmlAsync("x", CancellationToken.None));
        Assert.Contains("401", unauthorized.Description);
        Assert.Contains("--telegram-token", unauthorized.Description);
        Assert.DoesNotContain("TEST-ONLY-not-a-token-revoked", unauthorized.Description);

        // A user who blocked the bot: the same "chat unavailable" the dispatcher deactivates chats for.
        _telegram.BlockChat(ChatId);
        var blocked = Assert.IsType<ChatSendResult.Rejected>(await Sender().SendHtmlAsync("x", CancellationToken.None));
        Assert.Contains("cannot be written to", blocked.Description);
        Assert.Contains("blocked", blocked.Description);
    }

    [Fact]
    public async Task A_429_pauses_the_shared_limiter_for_retry_after_and_the_next_send_waits_for_it()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = new SendRateLimiter(BotApiChatSender.Limits(TimeSpan.Zero), time);
        var sender = Sender(limiter: limiter);
        _telegram.Limits = new FakeBotApiLimits { PerChatInterval = TimeSpan.FromHours(1), RetryAfterSeconds = 7 };
        Assert.IsType<ChatSendResult.Sent>(await sender.SendHtmlAsync("first", CancellationToken.None));

        var retry = Assert.IsType<ChatSendResult.RetryAfter>(await sender.SendHtmlAsync("second", CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(7), retry.Delay);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(7), limiter.PausedUntil);

        _telegram.Limits = new FakeBotApiLimits();
        var calls = _telegram.Calls.Count;
        var third = sender.SendHtmlAsync("third", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(6.9));
        Assert.False(third.IsCompleted);
        Assert.Equal(calls, _telegram.Calls.Count);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.IsType<ChatSendResult.Sent>(await third);
    }
}

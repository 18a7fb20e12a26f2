using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Telegram.Dispatching;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>Province channel posts through the real dispatcher, the real Telegram.Bot client and the fake Bot API:
/// sent as posts, a refusing channel paused with one alert and resumed by a later successful retry, and channel
/// posts and alerts served before a bulk fan-out of direct messages.</summary>
public sealed class ChannelDispatchTests : IAsyncLifetime
{
    private const long Channel = -1001234567890;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
    private TelegramTestHost? _host;

    private TelegramTestHost Host => _host!;
    private FakeBotApiServer Server => Host.Server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task StartAsync(TimeProvider? time = null, Dictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Telegram:Channels:TO"] = Channel.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram:Channels:MI"] = "@passaporti_mi",
            ["Telegram:ChannelLanguage"] = "en",
        };
        foreach (var (k, v) in settings ?? []) values[k] = v;
        _host = await TelegramTestHost.StartAsync((services, config) =>
        {
            if (time is not null) services.AddSingleton(time);
            services.AddDispatcher(config);
        }, values);
    }

    private static Office Office(int id, string name) =>
        new(id, $"TOPQ{id:D2}", name, $"Via Roma {id}", "TORINO", "TO", new TimeOnly(9, 0));

    private static OutgoingMessage Post(params Office[] offices) => Post(null, offices);

    private static OutgoingMessage Post(DateTimeOffset? polledAt, params Office[] offices) =>
        new(OutgoingMessage.NewId(), Recipient.TelegramChannel(Channel.ToString(System.Globalization.CultureInfo.InvariantCulture)), OutgoingKind.New)
        {
            Language = Language.English,
            Province = "TO",
            PolledAt = polledAt,
            Offices = offices.Select(o => new OfficeSlots(o, [new NotifiedSlot(new DateOnly(2026, 12, 3), new TimeOnly(9, 30), 2)])).ToList(),
        };

    private Task PublishAsync(params OutgoingMessage[] messages) =>
        Host.Bus.PublishManyAsync(Queues.Message, messages, CancellationToken.None);

    private DispatcherCounters Counters => Host.Services.GetRequiredService<DispatcherMetrics>().Snapshot();

    private Task WaitForCountersAsync(Func<DispatcherCounters, bool> condition) =>
        Eventually.WaitAsync(() => condition(Counters), Timeout, () => $"Counters never matched: {Counters}");

    [Fact]
    public async Task A_post_goes_to_the_channel_and_a_merged_post_names_every_office()
    {
        await StartAsync();

        await PublishAsync(Post(Office(1, "Questura di Torino")));
        await PublishAsync(Post(Office(2, "Commissariato Barriera"), Office(3, "Commissariato Lingotto"), Office(4, "Commissariato Moncalieri")));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 2, Timeout);

        var sent = Server.SentMessages;
        Assert.All(sent, c => Assert.Equal(Channel, c.ChatId));
        Assert.All(sent, c => Assert.Contains("New availability:", c.Text));
        Assert.Single(sent, c => c.Text!.Contains("Questura di Torino", StringComparison.Ordinal));
        var merged = Assert.Single(sent, c => c.Text!.Contains("Commissariato", StringComparison.Ordinal)).Text!;
        foreach (var name in new[] { "Commissariato Barriera", "Commissariato Lingotto", "Commissariato Moncalieri" }) Assert.Contains(name, merged);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(merged, "Book:"));
        Assert.Null(TelegramHtmlValidator.Validate(merged));
    }

    private static readonly string ChannelKey = Channel.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private int ChannelPosts => Server.Calls.Count(c => c.Is("sendMessage") && c.ChatId == Channel);

    private IEnumerable<string> PostedOffices => Server.SentMessages.Where(c => c.ChatId == Channel)
        .Select(c => System.Text.RegularExpressions.Regex.Match(c.Text!, "Ufficio [0-9]+|Questura di Torino|Commissariato [A-Za-z]+").Value);

    [Fact]
    public async Task A_refusing_channel_is_paused_with_one_alert_keeps_its_posts_and_posts_them_when_a_retry_succeeds()
    {
        var time = new FakeTimeProvider(Start);
        await StartAsync(time, new() { ["Telegram:RateLimitEnabled"] = "false", ["Telegram:PerChatInterval"] = "00:00:00" });
        await Host.Subscriptions.SubscribeAsync(777, "TO", Language.Italian, CancellationToken.None);
        Server.BlockChat(Channel);
        var pauses = Host.Services.GetRequiredService<ChannelPauses>();

        await PublishAsync(Post(Office(1, "Questura di Torino")));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.ChatId == TelegramTestHost.AdminChatId && c.Succeeded), Timeout);
        await WaitForCountersAsync(c => c.Failed == 1);
        Assert.True(pauses.IsPaused(ChannelKey));
        var alert = Assert.Single(Server.SentMessages, c => c.ChatId == TelegramTestHost.AdminChatId);
        Assert.Contains(ChannelKey, alert.Text);
        Assert.Contains("administrator", alert.Text);

        // Paused: later posts are kept, not sent (nor alerted again), until the back-off has passed.
        time.Advance(TimeSpan.FromSeconds(30));
        await PublishAsync(Post(Office(2, "Commissariato Barriera")), Post(Office(3, "Commissariato Lingotto")));
        await WaitForCountersAsync(c => c.ChannelPaused == 2);
        Assert.Equal(1, ChannelPosts);
        Assert.Equal(3, pauses.HeldCount(ChannelKey));

        // When the back-off has passed, the oldest kept post is the retry, with no new post needed. Refused again:
        // still one alert, everything still kept, the next retry waits longer.
        time.Advance(ChannelPauses.FirstRetryDelay);
        await WaitForCountersAsync(c => c.Failed == 2);
        Assert.Equal(2, ChannelPosts);
        Assert.Contains("Questura di Torino", Server.Calls.Last(c => c.ChatId == Channel).Text);
        await Eventually.WaitAsync(() => pauses.HeldCount(ChannelKey) == 3, Timeout, () => $"held {pauses.HeldCount(ChannelKey)}");
        time.Advance(ChannelPauses.FirstRetryDelay);
        await PublishAsync(Post(Office(5, "Commissariato Moncalieri")));
        await WaitForCountersAsync(c => c.ChannelPaused == 3);
        Assert.Equal(2, ChannelPosts);

        // The operator made the bot an admin; the retry after the back-off goes through, the channel resumes and
        // every kept post follows.
        Server.RestoreChat(Channel);
        time.Advance(ChannelPauses.FirstRetryDelay);
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.ChatId == Channel && c.Succeeded) == 4, Timeout);
        await Eventually.WaitAsync(() => !pauses.IsPaused(ChannelKey), Timeout, () => "never resumed");
        Assert.Equal("Questura di Torino", PostedOffices.First());
        Assert.Equal(["Commissariato Barriera", "Commissariato Lingotto", "Commissariato Moncalieri", "Questura di Torino"], PostedOffices.Order());
        Assert.Equal(0, pauses.HeldCount(ChannelKey));

        await PublishAsync(Post(Office(7, "Commissariato Barriera")));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.ChatId == Channel && c.Succeeded) == 5, Timeout);
        Assert.Single(Server.SentMessages, c => c.ChatId == TelegramTestHost.AdminChatId);
        // Nothing else touched: no chat was deactivated, the subscriber still follows the province.
        Assert.Equal(0, Counters.Deactivated);
        Assert.Equal([777L], (await Host.Subscriptions.GetSubscribersAsync("TO", CancellationToken.None)).Select(s => s.ChatId));
    }

    [Fact]
    public async Task A_paused_channel_keeps_only_its_newest_posts_and_none_older_than_the_limit()
    {
        var time = new FakeTimeProvider(Start);
        await StartAsync(time, new() { ["Telegram:RateLimitEnabled"] = "false", ["Telegram:PerChatInterval"] = "00:00:00" });
        Server.BlockChat(Channel);
        var pauses = Host.Services.GetRequiredService<ChannelPauses>();
        await PublishAsync(Post(Start, Office(1, "Questura di Torino")));
        await WaitForCountersAsync(c => c.Failed == 1);
        Server.RestoreChat(Channel);

        // Two more than are kept, polled later, a second apart (the dispatcher may take them in any order).
        var later = Start + ChannelPauses.MaxHeldAge - TimeSpan.FromMinutes(1);
        var count = ChannelPauses.MaxHeldPosts + 2;
        await PublishAsync(Enumerable.Range(10, count).Select(i => Post(later + TimeSpan.FromSeconds(i), Office(i, $"Ufficio {i}"))).ToArray());
        await WaitForCountersAsync(c => c.ChannelPaused == count);
        Assert.Equal(ChannelPauses.MaxHeldPosts, pauses.HeldCount(ChannelKey));

        // By the time the channel accepts posts, the first one is older than the limit: it is not posted.
        time.Advance(ChannelPauses.MaxHeldAge + TimeSpan.FromSeconds(1));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.ChatId == Channel && c.Succeeded) == ChannelPauses.MaxHeldPosts, Timeout);
        await Eventually.WaitAsync(() => !pauses.IsPaused(ChannelKey), Timeout, () => "never resumed");
        Assert.Equal(Enumerable.Range(12, ChannelPauses.MaxHeldPosts).Select(i => $"Ufficio {i}").Order(), PostedOffices.Order());
    }

    [Fact]
    public async Task The_pause_alert_speaks_each_admins_language_or_the_channels()
    {
        await StartAsync(settings: new() { ["Telegram:AdminChatIds:1"] = "4343" });
        await Host.Subscriptions.SetLanguageAsync(TelegramTestHost.AdminChatId, Language.Italian, CancellationToken.None);
        Server.BlockChat(Channel);

        await PublishAsync(Post(Office(1, "Questura di Torino")));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.ChatId is TelegramTestHost.AdminChatId or 4343 && c.Succeeded) == 2, Timeout);

        var italian = Assert.Single(Server.SentMessages, c => c.ChatId == TelegramTestHost.AdminChatId).Text!;
        Assert.StartsWith($"Il canale Telegram {ChannelKey} (TO) ha rifiutato un post: Forbidden: bot is not a member of the channel chat", italian);
        Assert.Contains("amministratore", italian);
        Assert.Contains("gli ultimi 20 post, al massimo di 30 min prima", italian);
        // An admin who never used the bot: the channel's language (Telegram:ChannelLanguage, English here).
        var english = Assert.Single(Server.SentMessages, c => c.ChatId == 4343).Text!;
        Assert.StartsWith($"Telegram channel {ChannelKey} (TO) refused a post: Forbidden: bot is not a member of the channel chat", english);
        Assert.Contains("first retry in 1 min", english);
    }

    [Fact]
    public async Task A_restarted_dispatcher_remembers_the_pause_and_does_not_alert_again()
    {
        var time = new FakeTimeProvider(Start);
        await StartAsync(time, new() { ["Telegram:RateLimitEnabled"] = "false" });
        Server.BlockChat(Channel);
        await PublishAsync(Post(Office(1, "Questura di Torino")));
        await Server.WaitForAsync(calls => calls.Any(c => c.ChatId == TelegramTestHost.AdminChatId && c.Succeeded), Timeout);

        // A second ChannelPauses over the same settings store stands in for the restarted process.
        var restarted = ActivatorUtilities.CreateInstance<ChannelPauses>(Host.Services);
        Assert.False(await restarted.MaySendAsync(Channel.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));
        time.Advance(ChannelPauses.FirstRetryDelay);
        Assert.True(await restarted.MaySendAsync(Channel.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));
        await restarted.FailedAsync(Channel.ToString(System.Globalization.CultureInfo.InvariantCulture), "Forbidden", CancellationToken.None);
        // Anything published before this marker would be sent no later than it (alerts go first).
        await PublishAsync(new OutgoingMessage(OutgoingMessage.NewId(), 999, "marker"));
        await Server.WaitForAsync(calls => calls.Any(c => c.ChatId == 999 && c.Succeeded), Timeout);
        Assert.Single(Server.Calls, c => c.Is("sendMessage") && c.ChatId == TelegramTestHost.AdminChatId);
    }

    [Fact]
    public async Task Channel_posts_and_alerts_overtake_a_fan_out_of_a_thousand_direct_messages()
    {
        // Rate limit off so the test is fast; the gate in front of the sends is the same either way.
        await StartAsync(settings: new() { ["Telegram:RateLimitEnabled"] = "false", ["Telegram:DispatcherConcurrency"] = "8" });
        var dms = Enumerable.Range(1, 1000).Select(i => new OutgoingMessage(OutgoingMessage.NewId(), 100_000 + i, $"dm {i}")).ToArray();
        await PublishAsync(dms);
        var alert = OutgoingMessage.For(Recipient.Telegram(TelegramTestHost.AdminChatId),
            new Notification(NotificationKind.Alert, Language.English, null, [], Text: "operator alert"), DateTimeOffset.UtcNow);
        await PublishAsync(Post(Office(1, "Questura di Torino")), alert);

        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 1002, TimeSpan.FromSeconds(120));
        var order = Server.SentMessages.ToList();
        var post = order.FindIndex(c => c.ChatId == Channel);
        var alerted = order.FindIndex(c => c.ChatId == TelegramTestHost.AdminChatId);
        // Published after all 1000 direct messages: in arrival order they would be sent 1001st and 1002nd. With
        // priority they go among the first few dozen on a quiet machine; the bound leaves room for the direct
        // messages sent while a loaded machine was still handing the window to the gate.
        Assert.InRange(post, 0, 200);
        Assert.InRange(alerted, 0, 200);
    }
}

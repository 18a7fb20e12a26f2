using Microsoft.Extensions.DependencyInjection;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Testing;
using PassportBot.Telegram.Dispatching;

namespace PassportBot.Telegram.Tests;

/// <summary>The dispatcher consuming the real in-process bus, sending with the real client to the fake
/// Bot API, deactivating chats in the real SQLite store.</summary>
public sealed class DispatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private TelegramTestHost _host = null!;

    private FakeBotApiServer Server => _host.Server;

    public async Task InitializeAsync() => _host = await StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Task<TelegramTestHost> StartAsync(Dictionary<string, string?>? settings = null) =>
        TelegramTestHost.StartAsync((services, config) => services.AddDispatcher(config), settings);

    private async Task PublishAsync(params OutgoingMessage[] messages) =>
        await _host.Bus.PublishManyAsync(Queues.Message, messages, CancellationToken.None);

    private static OutgoingMessage Message(long chatId, string content) => new(OutgoingMessage.NewId(), chatId, content);

    [Fact]
    public async Task Sends_every_message_once_as_html_without_link_previews()
    {
        var messages = Enumerable.Range(1, 40).Select(i => Message(10_000 + i, $"<b>Slot {i}</b> &amp; more")).ToArray();

        await PublishAsync(messages);
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 40, Timeout);

        var sent = Server.SentMessages;
        Assert.Equal(messages.Select(m => (m.ChatId, m.Content!)).Order(), sent.Select(c => (c.ChatId!.Value, c.Text!)).Order());
        Assert.All(sent, c => Assert.Equal("html", c.ParseMode, ignoreCase: true));
        Assert.All(sent, c => Assert.Contains("\"is_disabled\":true", c.Argument("link_preview_options")));
        Assert.All(sent, c => Assert.Null(c.Argument("allow_paid_broadcast")));
        await WaitForCountersAsync(c => c.Sent == 40);
    }

    [Fact]
    public async Task While_idle_a_getMe_keeps_the_Bot_API_connection_open()
    {
        await _host.DisposeAsync();
        _host = await StartAsync(new() { ["Telegram:KeepAliveInterval"] = "00:00:01" });
        // The warm-up's getMe first, so the one looked for below can only be the keep-alive's.
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("getMe")), Timeout);

        await PublishAsync(Message(20_001, "first"));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.Succeeded), Timeout);
        var sentAt = Server.Calls.Single(c => c.Is("sendMessage")).At;
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("getMe") && c.At > sentAt), Timeout);

        // The first getMe after the send came after an idle interval, not right after the send (the warm-up's is
        // before it), and the dispatcher still sends.
        var keepAlive = Server.Calls.First(c => c.Is("getMe") && c.At > sentAt);
        Assert.True(keepAlive.At - sentAt >= TimeSpan.FromMilliseconds(900), $"getMe {(keepAlive.At - sentAt).TotalMilliseconds:0} ms after the send");
        await PublishAsync(Message(20_002, "second"));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 2, Timeout);
    }

    [Fact]
    public async Task A_429_storm_loses_nothing_duplicates_nothing_and_pauses_all_sending_for_retry_after()
    {
        await _host.DisposeAsync();
        // The bot believes it may send 30/s; the fake allows 8/s: Telegram answers 429 and the bot must obey.
        _host = await StartAsync(new() { ["Telegram:MaxMessagesPerSecond"] = "30" });
        Server.Limits = new FakeBotApiLimits { GlobalMessagesPerSecond = 8, PerChatInterval = TimeSpan.FromMilliseconds(900), RetryAfterSeconds = 1 };
        var messages = Enumerable.Range(1, 36).Select(i => Message(20_000 + i % 12, $"storm {i}")).ToArray();

        await PublishAsync(messages);
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 36, Timeout);

        Assert.Equal(messages.Select(m => m.Content).Order(), Server.SentMessages.Select(c => c.Text!).Order());
        Assert.True(Server.TooManyRequestsSent > 0, "the storm should have produced 429s");
        await WaitForCountersAsync(c => c.Sent == 36 && c.TooManyRequests == Server.TooManyRequestsSent);

        // After a 429 nothing new is sent until retry_after has passed (requests already in flight when the
        // 429 was answered may still land shortly after).
        var sends = Server.Calls.Where(c => c.Is("sendMessage")).ToList();
        foreach (var refused in sends.Where(c => c.StatusCode == 429))
        {
            var tooEarly = sends.Where(c => c.At > refused.At + TimeSpan.FromMilliseconds(300) && c.At < refused.At + TimeSpan.FromMilliseconds(950)).ToList();
            Assert.True(tooEarly.Count == 0, $"{tooEarly.Count} sends during the pause that began at {refused.At:HH:mm:ss.fff}");
        }
    }

    [Fact]
    public async Task A_chat_that_blocked_the_bot_is_deactivated_and_not_retried()
    {
        await _host.Subscriptions.SubscribeAsync(555, "TO", Language.Italian, CancellationToken.None);
        await _host.Subscriptions.SubscribeAsync(556, "TO", Language.Italian, CancellationToken.None);
        await _host.Subscriptions.SubscribeAsync(557, "TO", Language.Italian, CancellationToken.None);
        Server.BlockChat(555);
        Server.MarkChatMissing(556);

        await PublishAsync(Message(555, "hello"), Message(556, "hello"), Message(557, "hello"));
        await WaitForCountersAsync(c => c.Deactivated == 2 && c.Sent == 1);

        var subscribers = await _host.Subscriptions.GetSubscribersAsync("TO", CancellationToken.None);
        Assert.Equal([557L], subscribers.Select(s => s.ChatId));
        Assert.Single(Server.Calls, c => c.Is("sendMessage") && c.ChatId == 555);
        Assert.Single(Server.Calls, c => c.Is("sendMessage") && c.ChatId == 556);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_message_goes_through()
    {
        Server.FailNext(2, 502, "sendMessage");

        await PublishAsync(Message(600, "after two failures"));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.Succeeded), Timeout);

        Assert.Equal([502, 502, 200], Server.Calls.Where(c => c.Is("sendMessage")).Select(c => c.StatusCode));
        await WaitForCountersAsync(c => c.Sent == 1 && c.Retried == 2 && c.Redelivered == 0);
    }

    [Fact]
    public async Task After_repeated_failures_the_message_goes_back_to_the_bus_and_is_delivered_later()
    {
        await _host.DisposeAsync();
        _host = await StartAsync(new() { ["Telegram:TransientRetries"] = "1" });
        Server.FailNext(3, 503, "sendMessage");

        await PublishAsync(Message(601, "redelivered"));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.Succeeded), Timeout);

        Assert.Equal([503, 503, 503, 200], Server.Calls.Where(c => c.Is("sendMessage")).Select(c => c.StatusCode));
        Assert.Single(Server.SentMessages);
        await WaitForCountersAsync(c => c.Sent == 1 && c.Redelivered == 1);
    }

    [Fact]
    public async Task A_request_that_times_out_is_retried()
    {
        await _host.DisposeAsync();
        _host = await StartAsync(new() { ["Telegram:RequestTimeout"] = "00:00:01" });
        Server.HangNext(1, "sendMessage");

        await PublishAsync(Message(602, "slow"));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.Succeeded), Timeout);

        Assert.Equal([0, 200], Server.Calls.Where(c => c.Is("sendMessage")).Select(c => c.StatusCode));
        await WaitForCountersAsync(c => c.Sent == 1 && c.Retried == 1);
    }

    [Fact]
    public async Task Malformed_html_is_resent_once_as_plain_text()
    {
        await PublishAsync(Message(700, "<b>Nuova disponibilità</b> 3 < 5 <i>Torino"));
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.Succeeded), Timeout);

        var sends = Server.Calls.Where(c => c.Is("sendMessage")).ToList();
        Assert.Equal(2, sends.Count);
        Assert.Equal(400, sends[0].StatusCode);
        Assert.Null(sends[1].ParseMode);
        Assert.Equal("Nuova disponibilità 3 < 5 Torino", sends[1].Text);
        await WaitForCountersAsync(c => c.Sent == 1 && c.PlainTextFallbacks == 1);
    }

    [Fact]
    public async Task Other_bad_requests_are_dropped_and_counted_as_failed()
    {
        await PublishAsync(Message(800, new string('x', 5000)), Message(801, "fine"));
        await WaitForCountersAsync(c => c.Failed == 1 && c.Sent == 1);

        Assert.Single(Server.Calls, c => c.Is("sendMessage") && c.ChatId == 800);
    }

    [Fact]
    public async Task Paid_broadcast_is_requested_when_switched_on()
    {
        await _host.DisposeAsync();
        _host = await StartAsync(new() { ["Telegram:PaidBroadcast"] = "true", ["Telegram:MaxMessagesPerSecond"] = "500" });

        await PublishAsync(Message(900, "paid"));
        var sent = await Server.WaitForCallAsync(c => c.Is("sendMessage") && c.Succeeded, Timeout);

        Assert.Equal("true", sent.Argument("allow_paid_broadcast"));
    }

    [Fact]
    public async Task A_v2_notification_is_rendered_in_the_recipients_language_and_quiet_hours_send_silently()
    {
        var office = new Office(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0));
        OutgoingMessage Notify(long chat, Language language, bool silent) => new(OutgoingMessage.NewId(), Recipient.Telegram(chat), OutgoingKind.New)
        {
            Language = language,
            Province = "TO",
            Offices = [new OfficeSlots(office, [new NotifiedSlot(new DateOnly(2026, 12, 19), new TimeOnly(17, 0), 2)])],
            Silent = silent,
        };

        await PublishAsync(Notify(1001, Language.English, silent: false), Notify(1002, Language.Italian, silent: true));
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 2, Timeout);

        var english = Server.SentMessages.Single(c => c.ChatId == 1001);
        Assert.StartsWith("<b>New availability:</b>", english.Text);
        Assert.Contains("19/12/2026 at 17:00 Available slots: 2", english.Text);
        Assert.Equal("html", english.ParseMode, ignoreCase: true);
        Assert.Null(english.Argument("disable_notification"));
        var italian = Server.SentMessages.Single(c => c.ChatId == 1002);
        Assert.StartsWith("<b>Nuova disponibilità:</b>", italian.Text);
        Assert.Equal("true", italian.Argument("disable_notification"));
    }

    [Fact]
    public async Task A_v1_message_left_in_the_queue_across_the_upgrade_is_still_sent_as_it_was_rendered()
    {
        // The exact JSON the previous version put on the queue: pre-rendered HTML, and a plain-text alert.
        var v1 = MessageJson.Deserialize<OutgoingMessage>(
            """{"id":"old-1","chat_id":4242,"content":"\u003Cb\u003ENuova disponibilit\u00E0:\u003C/b\u003E\nvecchio","v":1,"kind":"Availability","parse_mode":"HTML","created_at":"2026-11-26T06:00:00+00:00","polled_at":"2026-11-26T06:00:00+00:00"}""");
        var v1Alert = MessageJson.Deserialize<OutgoingMessage>(
            """{"id":"old-2","chat_id":4243,"content":"Session <expired>","v":1,"kind":"Alert","parse_mode":null,"created_at":"2026-11-26T06:00:00+00:00"}""");

        await PublishAsync(v1, v1Alert);
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 2, Timeout);

        var html = Server.SentMessages.Single(c => c.ChatId == 4242);
        Assert.Equal("<b>Nuova disponibilità:</b>\nvecchio", html.Text);
        Assert.Equal("html", html.ParseMode, ignoreCase: true);
        var plain = Server.SentMessages.Single(c => c.ChatId == 4243);
        Assert.Equal("Session <expired>", plain.Text);
        Assert.Null(plain.ParseMode);
    }

    private Task WaitForCountersAsync(Func<DispatcherCounters, bool> condition)
    {
        var metrics = _host.Services.GetRequiredService<DispatcherMetrics>();
        return Eventually.WaitAsync(() => condition(metrics.Snapshot()), Timeout, () => $"Counters never matched: {metrics.Snapshot()}");
    }
}

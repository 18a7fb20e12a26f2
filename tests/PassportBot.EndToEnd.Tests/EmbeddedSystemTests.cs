using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;

namespace PassportBot.EndToEnd.Tests;

/// <summary>The embedded system end to end: a user on (fake) Telegram, the poller on the (simulated) agenda site,
/// everything in between real.</summary>
public sealed class EmbeddedSystemTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private SystemUnderTest _sut = null!;

    public async Task InitializeAsync() => _sut = await SystemUnderTest.StartAsync();

    public async Task DisposeAsync() => await _sut.DisposeAsync();

    [Fact]
    public async Task A_new_slot_reaches_the_subscriber_once_survives_a_restart_closes_when_taken_and_returns_as_a_cancellation()
    {
        const long chat = 100;
        var office = _sut.AlwaysBookableOffice("TOPQ60");

        // The user subscribes through the bot.
        _sut.Telegram.EnqueueText(chat, "/subscribe to");
        await Eventually.TrueAsync(async () => (await _sut.Get<ISubscriptionStore>().GetProvincesAsync(chat, default)).Contains("TO"), Timeout, "subscription stored");
        await _sut.Telegram.WaitForAsync(c => c.Any(x => x.Is("sendMessage") && x.ChatId == chat), Timeout);
        var repliesBefore = _sut.MessagesTo(chat).Count;

        // The site publishes a slot.
        var key = _sut.Simulator.World.AddSlot(office, _sut.Day(3), new TimeOnly(17, 0), 2);
        var date = AvailabilityFormatter.Day(key.Date);
        await Eventually.TrueAsync(() => _sut.MessagesTo(chat).Any(m => m.Text!.Contains(date)), Timeout, "the availability message");
        await _sut.WaitForPollsAsync("TO", 3);

        var announced = _sut.MessagesTo(chat).Where(m => m.Text!.Contains(date)).ToList();
        var message = Assert.Single(announced);
        Assert.Equal(repliesBefore + 1, _sut.MessagesTo(chat).Count);
        Assert.Contains("Nuova disponibilità", message.Text);
        Assert.Contains($"{date} ore 17:00 Posti disponibili: 2", message.Text);
        Assert.Contains("TOPQ60 - ", message.Text);
        Assert.Equal("HTML", message.ParseMode, ignoreCase: true);

        // A restart of the process does not announce it again.
        await _sut.RestartAsync();
        await _sut.WaitForPollsAsync("TO", 3);
        Assert.Single(_sut.MessagesTo(chat), m => m.Text!.Contains(date));

        // The slot is booked: closed in the database after two polls without it.
        _sut.Simulator.World.RemoveSlot(key);
        await Eventually.TrueAsync(async () => (await _sut.GetSlotsAsync("TO", "gone")).Any(s => s.GetProperty("date").GetString() == key.Date.ToString("yyyy-MM-dd")), Timeout, "slot gone");
        Assert.DoesNotContain(await _sut.GetSlotsAsync("TO", "open"), s => s.GetProperty("date").GetString() == key.Date.ToString("yyyy-MM-dd"));

        // Someone cancels after the grace window (1 s here): announced again.
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the grace window itself is the behaviour under test
        _sut.Simulator.World.AddSlot(office, key.Date, key.Time, 1);
        await Eventually.TrueAsync(() => _sut.MessagesTo(chat).Count(m => m.Text!.Contains(date)) == 2, Timeout, "re-announcement");
        Assert.Contains($"{date} ore 17:00 Posti disponibili: 1", _sut.MessagesTo(chat).Last(m => m.Text!.Contains(date)).Text);
    }

    [Fact]
    public async Task An_expired_session_alerts_the_admin_once_and_polling_resumes_with_credentials_pasted_in_the_bot()
    {
        const long chat = 200;
        var office = _sut.AlwaysBookableOffice("MIPQ60");
        await _sut.SubscribeDirectlyAsync(chat, "MI", Language.English);
        await _sut.WaitForPollsAsync("MI", 1);

        var fresh = _sut.Simulator.RotateCredentials(); // the operator's session ends
        await Eventually.TrueAsync(() => _sut.MessagesTo(SystemUnderTest.AdminChatId).Any(m => m.Text!.Contains("expired")), Timeout, "admin alert");
        var pollsWhileExpired = _sut.Simulator.Calls.OfficeListCalls("MI");
        _sut.Simulator.World.AddSlot(office, _sut.Day(4), new TimeOnly(10, 0), 1);
        await WaitForPollerCyclesAsync(10);
        Assert.Single(_sut.MessagesTo(SystemUnderTest.AdminChatId), m => m.Text!.Contains("expired"));
        Assert.True(_sut.Simulator.Calls.OfficeListCalls("MI") <= pollsWhileExpired + 1, "polling must pause while the session is expired");
        Assert.Equal(CredentialState.Expired, _sut.Get<IAgendaSession>().State);

        // The admin pastes new credentials in the bot; the messages holding them are deleted and never echoed.
        var cookieMessage = _sut.Telegram.EnqueueText(SystemUnderTest.AdminChatId, "/cookie " + fresh.Cookie);
        var csrfMessage = _sut.Telegram.EnqueueText(SystemUnderTest.AdminChatId, "/csrf " + fresh.CsrfToken);
        await Eventually.TrueAsync(() => _sut.MessagesTo(chat).Any(m => m.Text!.Contains("10:00")), Timeout, "notification after resuming");
        Assert.True(_sut.Telegram.IsDeleted(SystemUnderTest.AdminChatId, cookieMessage));
        Assert.True(_sut.Telegram.IsDeleted(SystemUnderTest.AdminChatId, csrfMessage));
        Assert.DoesNotContain(_sut.Telegram.Calls, c => c.Text is { } t && (t.Contains(fresh.Cookie) || t.Contains(fresh.CsrfToken)));
        Assert.Contains(_sut.MessagesTo(SystemUnderTest.AdminChatId), m => m.Text!.Contains("resumed"));
    }

    [Fact]
    public async Task New_token_files_also_resume_polling()
    {
        const long chat = 210;
        var office = _sut.AlwaysBookableOffice("RMPC03");
        await _sut.SubscribeDirectlyAsync(chat, "RM");
        _sut.Simulator.Faults.ExpireSessionAfter(0);
        await Eventually.TrueAsync(() => _sut.Get<IAgendaSession>().State == CredentialState.Expired, Timeout, "expiry noticed");

        _sut.Simulator.Faults.Reset();
        var fresh = _sut.Simulator.RotateCredentials();
        await _sut.WriteCredentialFilesAsync(fresh);
        _sut.Simulator.World.AddSlot(office, _sut.Day(5), new TimeOnly(11, 0), 1);
        await Eventually.TrueAsync(() => _sut.MessagesTo(chat).Any(m => m.Text!.Contains("11:00")), Timeout, "notification after new files");
    }

    [Fact]
    public async Task A_429_storm_loses_nothing_and_blocked_users_are_dropped()
    {
        var office = _sut.AlwaysBookableOffice("NAPQ60");
        var chats = Enumerable.Range(1000, 40).Select(i => (long)i).ToList();
        foreach (var c in chats) await _sut.SubscribeDirectlyAsync(c, "NA");
        _sut.Telegram.BlockChat(1039);
        _sut.Telegram.Limits = new FakeBotApiLimits { GlobalMessagesPerSecond = 10, RetryAfterSeconds = 1 };

        _sut.Simulator.World.AddSlot(office, _sut.Day(6), new TimeOnly(12, 0), 3);
        var delivered = chats.Take(39).ToList();
        await Eventually.TrueAsync(() => delivered.All(c => _sut.MessagesTo(c).Count == 1), TimeSpan.FromSeconds(60), "every unblocked subscriber served");

        Assert.True(_sut.Telegram.TooManyRequestsSent > 0, "the fake should have answered 429 at least once");
        Assert.All(delivered, c => Assert.Single(_sut.MessagesTo(c)));
        await Eventually.TrueAsync(async () => (await _sut.Get<ISubscriptionStore>().GetProvincesAsync(1039, default)).Count == 0, Timeout, "blocked chat deactivated");
        Assert.DoesNotContain(1039L, (await _sut.Get<ISubscriptionStore>().GetSubscribersAsync("NA", default)).Select(s => s.ChatId));
    }

    [Fact]
    public async Task Bad_input_from_the_site_and_from_users_is_survived()
    {
        const long chat = 300;
        var office = _sut.AlwaysBookableOffice("FIPQ60");
        await _sut.SubscribeDirectlyAsync(chat, "FI", Language.English);

        // From users: tampered buttons, unknown codes, huge and odd messages.
        _sut.Telegram.EnqueueCallback(chat, "x:\u0000' or 1=1 --", messageId: 1);
        _sut.Telegram.EnqueueText(chat, "/subscribe XX");
        _sut.Telegram.EnqueueText(chat, "/subscribe");
        _sut.Telegram.EnqueueText(chat, new string('a', 4096));
        _sut.Telegram.EnqueueText(chat, "/cookie stolen"); // not an admin
        await _sut.Telegram.WaitForAsync(c => c.Any(x => x.Is("answerCallbackQuery")) && c.Count(x => x.Is("sendMessage") && x.ChatId == chat) >= 4, Timeout);
        Assert.DoesNotContain(_sut.Telegram.Calls, c => c.Text is { } t && t.Contains(new string('a', 200)));
        Assert.Null(await _sut.Get<ISettingsStore>().GetAsync("agenda.cookie", default));

        // From the site: malformed JSON, 5xx, slow answers.
        _sut.Simulator.Faults.ServeMalformedJson(3);
        _sut.Simulator.Faults.FailWithStatus(3, 503);
        _sut.Simulator.World.AddSlot(office, _sut.Day(7), new TimeOnly(15, 30), 1);
        await Eventually.TrueAsync(() => _sut.MessagesTo(chat).Any(m => m.Text!.Contains("15:30")), Timeout, "notification despite faults");
        Assert.Single(_sut.MessagesTo(chat), m => m.Text!.Contains("15:30"));

        var health = await _sut.Http.GetAsync("/health");
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    private async Task WaitForPollerCyclesAsync(int cycles)
    {
        var status = _sut.Get<PassportBot.Workers.PollerStatus>();
        for (var i = 0; i < cycles; i++)
        {
            var last = status.Current.LastCycleAt;
            await Eventually.TrueAsync(() => status.Current.LastCycleAt != last, Timeout, "a poller cycle");
        }
    }
}

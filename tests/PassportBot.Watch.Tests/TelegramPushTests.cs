using System.Text.RegularExpressions;
using PassportBot.Domain;
using PassportBot.Testing;

namespace PassportBot.Watch.Tests;

/// <summary>The optional push, through the real Telegram.Bot client to the fake Bot API server.</summary>
public sealed class TelegramPushTests
{
    private const long ChatId = 424242;

    private static Dictionary<string, string?> Push(FakeBotApiServer telegram) => new()
    {
        ["Telegram:Token"] = telegram.Token,
        ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
        ["Telegram:PerChatInterval"] = "00:00:00",
        ["Watch:ChatId"] = ChatId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Watch:NotifyGone"] = "true",
    };

    [Fact]
    public async Task New_slots_go_to_the_chat_one_message_per_office_in_the_bots_format_and_gone_ones_too()
    {
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var early = agenda.AddSlot("TOPQ60", 10, 9, 2);
        var late = agenda.AddSlot("TOPQ60", 12, 17, 1);
        agenda.AddSlot("TOPC01", 11, 8, 3);

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, FixedClock.AtRealNow(), Push(telegram));
        await telegram.WaitForAsync(c => c.Count(x => x.Is("sendMessage") && x.Succeeded) == 2, TimeSpan.FromSeconds(15));

        var sent = telegram.SentMessages;
        Assert.All(sent, m => Assert.Equal(ChatId, m.ChatId));
        Assert.All(sent, m => Assert.Equal("HTML", m.ParseMode, ignoreCase: true));
        var questura = run.Status.Current.OpenSlots.First(s => s.Key == early).Office;
        var expected = AvailabilityFormatter.NewSlots(questura, [new SlotObservation(early, 2), new SlotObservation(late, 1)], Language.Italian);
        var toQuestura = Assert.Single(sent, m => m.Text!.Contains("TOPQ60", StringComparison.Ordinal));
        Assert.Equal(expected, toQuestura.Text);
        Assert.Contains($"{AvailabilityFormatter.Day(early.Date)} ore 09:00 Posti disponibili: 2", toQuestura.Text, StringComparison.Ordinal);
        Assert.Contains("Nuova disponibilità", toQuestura.Text, StringComparison.Ordinal);

        agenda.Simulator.World.RemoveSlot(late);
        var gone = await telegram.WaitForCallAsync(c => c.Is("sendMessage") && c.Succeeded && c.Text!.Contains("Non più disponibile", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15));
        Assert.Contains($"{AvailabilityFormatter.Day(late.Date)} ore 17:00", gone.Text, StringComparison.Ordinal);
        Assert.Contains("TOPQ60 - Questura di Torino", gone.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(telegram.Token, run.Output.Text + run.Error.Text);
    }

    [Fact]
    public async Task Telegram_429_pauses_the_shared_limiter_the_message_goes_out_after_retry_after_and_failures_never_stop_the_watch()
    {
        // Time runs on a fake clock shared with the fake Bot API, so "after retry_after" is measured on the clock the
        // limiter waits on, and a 1 s pause takes a fraction of that.
        await using var clock = new RunningClock(TimeSpan.FromMilliseconds(20));
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync(clock.Time);
        telegram.Limits = new FakeBotApiLimits { PerChatInterval = TimeSpan.FromSeconds(1), RetryAfterSeconds = 2 };
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 9, 2);
        agenda.AddSlot("TOPC01", 11, 8, 3);
        agenda.AddSlot("TOPC02", 12, 8, 1);

        // No spacing of the watch's own, so the second message meets Telegram's per-chat limit.
        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock.Time, Push(telegram));
        await telegram.WaitForAsync(c => c.Count(x => x.Is("sendMessage") && x.Succeeded) == 3, TimeSpan.FromSeconds(60));

        Assert.True(telegram.TooManyRequestsSent >= 1);
        Assert.Contains(run.Output.Lines, l => Regex.IsMatch(l, """^ERROR telegram at=\S+Z retry_in=2s message=".*429.*"$"""));
        // After a 429, nothing went out before retry_after had passed, and the refused message was sent afterwards.
        var calls = telegram.Calls.Where(c => c.Is("sendMessage")).ToArray();
        var refused = calls.Select((c, i) => (c, i)).Where(x => x.c.StatusCode == 429).ToArray();
        Assert.NotEmpty(refused);
        foreach (var (call, i) in refused)
        {
            var next = calls[i + 1];
            Assert.True(next.At - call.At >= TimeSpan.FromSeconds(2), $"sent {next.At - call.At} after a 429 asking for 2 s");
            Assert.Equal(call.Text, next.Text);
            Assert.True(next.Succeeded);
        }

        // A chat that vanished is reported, and the watch goes on.
        telegram.MarkChatMissing(ChatId);
        agenda.AddSlot("TOPQ60", 13, 10, 1);
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("ERROR telegram", StringComparison.Ordinal) && x.Contains("chat not found", StringComparison.Ordinal)),
            "the refused message reported");
        agenda.AddSlot("TOPQ60", 14, 10, 1);
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith($"NEW TOPQ60 {Agenda.Today.AddDays(14):yyyy-MM-dd}", StringComparison.Ordinal)), "watching on");
    }

    [Fact]
    public async Task Messages_to_a_group_are_spaced_by_the_shared_limiter_at_Telegrams_20_a_minute()
    {
        const long group = -4242;
        await using var clock = new RunningClock(TimeSpan.FromMilliseconds(20));
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync(clock.Time);
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 9, 2);
        agenda.AddSlot("TOPC01", 11, 8, 3);
        agenda.AddSlot("TOPC02", 12, 8, 1);

        var settings = Push(telegram);
        settings["Watch:ChatId"] = group.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Telegram:PerChatInterval"] = "00:00:01";
        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock.Time, settings);
        await telegram.WaitForAsync(c => c.Count(x => x.Is("sendMessage") && x.Succeeded) == 3, TimeSpan.FromSeconds(60));

        // A group allows 20 messages a minute: 3 s apart, not the 1 s of a private chat.
        var sent = telegram.SentMessages;
        Assert.All(sent, m => Assert.Equal(group, m.ChatId));
        for (var i = 1; i < sent.Count; i++)
            Assert.True(sent[i].At - sent[i - 1].At >= TimeSpan.FromSeconds(2.5), $"messages {i - 1} and {i} {sent[i].At - sent[i - 1].At} apart");
        Assert.Equal(0, telegram.TooManyRequestsSent);
    }
}

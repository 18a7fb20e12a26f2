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
    public async Task Telegram_429_is_waited_out_and_failures_are_reported_but_never_stop_the_watch()
    {
        await using var agenda = await Agenda.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync();
        telegram.Limits = new FakeBotApiLimits { PerChatInterval = TimeSpan.FromSeconds(1), RetryAfterSeconds = 1 };
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 9, 2);
        agenda.AddSlot("TOPC01", 11, 8, 3);
        agenda.AddSlot("TOPC02", 12, 8, 1);

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, FixedClock.AtRealNow(), Push(telegram));
        await telegram.WaitForAsync(c => c.Count(x => x.Is("sendMessage") && x.Succeeded) == 3, TimeSpan.FromSeconds(60));

        Assert.True(telegram.TooManyRequestsSent >= 1);
        Assert.Contains(run.Output.Lines, l => Regex.IsMatch(l, """^ERROR telegram at=\S+Z retry_in=1s message=".*429.*"$"""));
        // After a 429, nothing went out before retry_after had passed.
        var calls = telegram.Calls.Where(c => c.Is("sendMessage")).ToArray();
        for (var i = 1; i < calls.Length; i++)
            if (calls[i - 1].StatusCode == 429) Assert.True(calls[i].At - calls[i - 1].At >= TimeSpan.FromSeconds(0.95));

        // A chat that vanished is reported, and the watch goes on.
        telegram.MarkChatMissing(ChatId);
        agenda.AddSlot("TOPQ60", 13, 10, 1);
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("ERROR telegram", StringComparison.Ordinal) && x.Contains("chat not found", StringComparison.Ordinal)),
            "the refused message reported");
        agenda.AddSlot("TOPQ60", 14, 10, 1);
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith($"NEW TOPQ60 {Agenda.Today.AddDays(14):yyyy-MM-dd}", StringComparison.Ordinal)), "watching on");
    }
}

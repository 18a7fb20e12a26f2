using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Watch.Output;
using PassportBot.Watch.Tracking;
using Spectre.Console;

namespace PassportBot.Watch.Tests;

/// <summary>The live view's picture, rendered without a terminal.</summary>
public sealed class RenderingTests
{
    private static readonly Office Questura = new(517, "TOPQ60", "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0));

    private static string Draw(WatchSnapshot snapshot, DateTimeOffset now, int maxRows = LiveViewRenderer.DefaultMaxRows)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 160;
        console.Write(LiveViewRenderer.Render(snapshot, now, "tokens/cookie_token", "tokens/xcsrf_token", maxRows));
        return writer.ToString();
    }

    [Fact]
    public void Open_slots_and_the_status_line_are_shown()
    {
        var now = new DateTimeOffset(2026, 11, 26, 6, 30, 0, TimeSpan.Zero);
        var open = new SlotRecord(new SlotKey(517, new DateOnly(2026, 12, 19), new TimeOnly(17, 0)), "TO", 2, 2, now, now, now, null, 0);
        var locked = new SlotRecord(new SlotKey(517, new DateOnly(2026, 12, 20), new TimeOnly(8, 0)), "TO", 1, 1, now, now, null, null, 0);
        var snapshot = WatchSnapshot.Initial with
        {
            Filter = "provinces TO",
            Credentials = CredentialState.Valid,
            LastPollAt = now.AddSeconds(-12),
            NextPollAt = now.AddSeconds(30),
            Polls = 7,
            OpenSlots = [new WatchedSlot(Questura, open), new WatchedSlot(Questura, locked)],
        };

        var text = Draw(snapshot, now);

        Assert.Contains("TOPQ60 - Questura di Torino", text, StringComparison.Ordinal);
        Assert.Contains("19/12/2026", text, StringComparison.Ordinal);
        Assert.Contains("17:00", text, StringComparison.Ordinal);
        Assert.Contains("1 (opens 09:00)", text, StringComparison.Ordinal);
        Assert.Contains("07:30:00", text, StringComparison.Ordinal); // first seen, Rome time
        Assert.Contains("(12 s ago)", text, StringComparison.Ordinal);
        Assert.Contains("next in 30 s", text, StringComparison.Ordinal);
        Assert.Contains("session ok", text, StringComparison.Ordinal);
        Assert.Contains("2 open slots", text, StringComparison.Ordinal);

        var cut = Draw(snapshot, now, maxRows: 1);
        Assert.Contains("2 open slots (1 more not shown)", cut, StringComparison.Ordinal);
        Assert.DoesNotContain("20/12/2026", cut, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_session_shows_the_three_steps_and_errors_show_the_backoff()
    {
        var now = DateTimeOffset.UnixEpoch;
        var snapshot = WatchSnapshot.Initial with
        {
            Credentials = CredentialState.Expired,
            LastError = "TO: HTTP 503",
            ConsecutiveFailures = 3,
            Recent = [new WatchError(now, "telegram", "Telegram refused the message (400): chat not found", null)],
        };

        var text = Draw(snapshot, now);

        Assert.Contains("session has expired", text, StringComparison.Ordinal);
        Assert.Contains("1. Log in to the agenda site with SPID", text, StringComparison.Ordinal);
        Assert.Contains("X-CSRF-TOKEN", text, StringComparison.Ordinal);
        Assert.Contains("session EXPIRED", text, StringComparison.Ordinal);
        Assert.Contains("3 in a row, backing off", text, StringComparison.Ordinal);
        Assert.Contains("No open slot", text, StringComparison.Ordinal);
        Assert.Contains("ERROR telegram: Telegram refused the message (400): chat not found", text, StringComparison.Ordinal);
    }
}

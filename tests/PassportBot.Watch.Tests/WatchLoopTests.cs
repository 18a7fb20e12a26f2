using System.Text.Json;
using System.Text.RegularExpressions;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Watch.Output;

namespace PassportBot.Watch.Tests;

/// <summary>The watch loop against the real agenda simulator over HTTP, observed through its --plain lines.</summary>
public sealed class WatchLoopTests
{
    private static string Day(int daysAhead) => Agenda.Today.AddDays(daysAhead).ToString("yyyy-MM-dd");

    private static string NewLine(string code, string office, int daysAhead, string time, int places, FixedClock clock) =>
        $"NEW {code} {Day(daysAhead)} {time} places={places} office=\"{office}\" province=TO first_seen={PlainEventFormat.Instant(clock.Now)}";

    [Fact]
    public async Task New_slots_are_printed_once_in_the_plain_format()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 12, 17, 1);
        agenda.AddSlot("TOPQ60", 10, 9, 2);
        agenda.AddSlot("TOPC01", 11, 8, 3);
        var clock = FixedClock.AtRealNow();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await run.Output.WaitForAsync(l => l.Count >= 3, "three NEW lines");
        await run.WaitForPollsAsync(3);

        Assert.Equal(
        [
            NewLine("TOPC01", "Commissariato Torino Barriera di Milano", 11, "08:00", 3, clock),
            NewLine("TOPQ60", "Questura di Torino", 10, "09:00", 2, clock),
            NewLine("TOPQ60", "Questura di Torino", 12, "17:00", 1, clock),
        ], run.Output.Lines);
        Assert.DoesNotContain(agenda.Simulator.Credentials.Cookie, run.Output.Text + run.Error.Text);
        Assert.DoesNotContain(agenda.Simulator.Credentials.CsrfToken, run.Output.Text + run.Error.Text);
    }

    [Fact]
    public async Task A_restart_with_the_same_state_file_announces_only_what_is_new()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var clock = FixedClock.AtRealNow();

        await using (var first = await WatchRun.StartAsync(agenda.Simulator, folder, clock))
        {
            await first.Output.WaitForAsync(l => l.Count == 1, "the first NEW line");
        }
        Assert.True(File.Exists(folder.StateFile));

        agenda.AddSlot("TOPQ60", 11, 10, 2);
        await using var second = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await second.Output.WaitForAsync(l => l.Count >= 1, "the NEW line of the added slot");
        await second.WaitForPollsAsync(3);

        Assert.Equal([NewLine("TOPQ60", "Questura di Torino", 11, "10:00", 2, clock)], second.Output.Lines);
    }

    [Fact]
    public async Task Office_date_and_places_filters_are_respected()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 5, 10, 1);   // too few places
        agenda.AddSlot("TOPQ60", 6, 11, 2);   // matches
        agenda.AddSlot("TOPQ60", 20, 12, 3);  // after --before
        agenda.AddSlot("TOPC01", 6, 9, 3);    // another office
        var clock = FixedClock.AtRealNow();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock, new Dictionary<string, string?>
        {
            ["Watch:Offices:0"] = "topq60",
            ["Watch:Before"] = Day(10),
            ["Watch:MinPlaces"] = "2",
        });
        await run.Output.WaitForAsync(l => l.Count >= 1, "the matching slot");
        await run.WaitForPollsAsync(3);

        Assert.Equal([NewLine("TOPQ60", "Questura di Torino", 6, "11:00", 2, clock)], run.Output.Lines);
    }

    [Fact]
    public async Task Within_and_weekday_filters_are_respected()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 3, 10, 1);   // matches: within 7 days, on the chosen weekday
        agenda.AddSlot("TOPQ60", 4, 11, 1);   // the next weekday
        agenda.AddSlot("TOPQ60", 10, 12, 1);  // the same weekday a week later: beyond --within 7
        var clock = FixedClock.AtRealNow();
        var weekday = Agenda.Today.AddDays(3).DayOfWeek.ToString().ToLowerInvariant();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock, new Dictionary<string, string?>
        {
            ["Watch:WithinDays"] = "7",
            ["Watch:Days:0"] = weekday,
        });
        await run.Output.WaitForAsync(l => l.Count >= 1, "the matching slot");
        await run.WaitForPollsAsync(3);

        Assert.Equal([NewLine("TOPQ60", "Questura di Torino", 3, "10:00", 1, clock)], run.Output.Lines);
    }

    [Fact]
    public async Task A_slot_is_gone_after_two_polls_without_it_and_a_flicker_is_not_news()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var stays = agenda.AddSlot("TOPQ60", 8, 9, 1);
        var key = agenda.AddSlot("TOPQ60", 9, 17, 2);
        var clock = FixedClock.AtRealNow();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await run.Output.WaitForAsync(l => l.Count == 2, "two NEW lines");

        agenda.Simulator.World.RemoveSlot(key);
        var pollsAtRemoval = run.Status.Current.Polls;
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("GONE", StringComparison.Ordinal)), "the GONE line");
        Assert.True(run.Status.Current.Polls - pollsAtRemoval >= 2, "closed before two polls missed it");
        var now = PlainEventFormat.Instant(clock.Now);
        Assert.Equal($"GONE TOPQ60 {Day(9)} 17:00 places=2 office=\"Questura di Torino\" province=TO first_seen={now} gone_at={now}", run.Output.Lines[^1]);

        // Back within the grace window: reopened silently.
        agenda.Simulator.World.AddSlot(key.OfficeId, key.Date, key.Time, 2);
        await Wait.UntilAsync(() => run.Status.Current.OpenSlots.Any(s => s.Key == key), () => "the slot to be open again");
        await run.WaitForPollsAsync(2);
        Assert.Equal(3, run.Output.Lines.Count);
        Assert.Contains(run.Status.Current.OpenSlots, s => s.Key == stays);
    }

    [Fact]
    public async Task An_expired_session_is_reported_once_and_new_token_files_resume_the_watch()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        var old = agenda.Simulator.Credentials;
        folder.WriteCredentials(old);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var clock = FixedClock.AtRealNow();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await run.Output.WaitForAsync(l => l.Count == 1, "the first NEW line");

        var fresh = agenda.Simulator.RotateCredentials();
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("SESSION EXPIRED", StringComparison.Ordinal)), "the expiry");
        Assert.Equal(CredentialState.Expired, run.Status.Current.Credentials);

        // Many credential checks later (and the old tokens saved again), still one message.
        var changes = 0;
        run.Status.Changed += () => Interlocked.Increment(ref changes);
        folder.WriteCredentials(old);
        await Wait.UntilAsync(() => Volatile.Read(ref changes) >= 10, () => "credential checks");
        agenda.AddSlot("TOPQ60", 11, 8, 1);
        folder.WriteCredentials(fresh);

        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("NEW TOPQ60 " + Day(11), StringComparison.Ordinal)), "the slot found after resuming");
        var lines = run.Output.Lines;
        Assert.Single(lines, l => l.StartsWith("SESSION EXPIRED", StringComparison.Ordinal));
        Assert.Matches(new Regex("""^SESSION EXPIRED at=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ reason="[^"]*expired[^"]*"$"""), lines[1]);
        Assert.Equal($"SESSION RESUMED at={PlainEventFormat.Instant(clock.Now)}", lines[2]);
        Assert.Equal(4, lines.Count);
        Assert.Contains("X-CSRF-TOKEN", run.Error.Text);
        Assert.Contains(folder.CookieFile, run.Error.Text);
        Assert.Single(Regex.Matches(run.Error.Text, "session has expired").Cast<Match>());
        Assert.DoesNotContain(old.Cookie, run.Output.Text + run.Error.Text);
        Assert.DoesNotContain(fresh.Cookie, run.Output.Text + run.Error.Text);
    }

    [Fact]
    public async Task Missing_token_files_are_explained_and_the_watch_starts_when_they_appear()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var clock = FixedClock.AtRealNow();

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await run.Output.WaitForAsync(l => l.Count == 1, "SESSION MISSING");
        Assert.Equal($"SESSION MISSING at={PlainEventFormat.Instant(clock.Now)}", run.Output.Lines[0]);

        folder.WriteCredentials(agenda.Simulator.Credentials);
        await run.Output.WaitForAsync(l => l.Count == 3, "resume and NEW");
        Assert.StartsWith("SESSION RESUMED", run.Output.Lines[1], StringComparison.Ordinal);
        Assert.StartsWith("NEW TOPQ60", run.Output.Lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_answers_and_server_errors_are_survived_with_backoff()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var clock = FixedClock.AtRealNow();
        agenda.Simulator.Faults.ServeMalformedJson(2);

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await run.Output.WaitForAsync(l => l.Count(x => x.StartsWith("ERROR", StringComparison.Ordinal)) >= 2, "errors for the malformed answers");
        agenda.Simulator.Faults.FailWithStatus(2, 503);
        await run.Output.WaitForAsync(l => l.Count(x => x.StartsWith("ERROR", StringComparison.Ordinal)) >= 4, "errors for the 503s");

        agenda.AddSlot("TOPQ60", 10, 17, 1);
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("NEW", StringComparison.Ordinal)), "the slot after recovery");
        await run.WaitForPollsAsync(2);

        var errors = run.Output.Lines.Where(l => l.StartsWith("ERROR", StringComparison.Ordinal)).ToArray();
        Assert.All(errors, e => Assert.Matches(new Regex("""^ERROR TO at=\S+Z retry_in=\d+s message=".+"$"""), e));
        Assert.Contains(errors, e => e.Contains("503", StringComparison.Ordinal));
        Assert.Single(run.Output.Lines, l => l.StartsWith("NEW", StringComparison.Ordinal));
        Assert.Null(run.Status.Current.LastError);
        Assert.Equal(0, run.Status.Current.ConsecutiveFailures);
    }

    [Fact]
    public async Task A_corrupt_state_file_is_reported_set_aside_and_replaced()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        Directory.CreateDirectory(Path.GetDirectoryName(folder.StateFile)!);
        await File.WriteAllTextAsync(folder.StateFile, "{\"version\":1,\"slots\":[{\"key\":\"oops");
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var clock = FixedClock.AtRealNow();

        await using (var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock))
        {
            await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("NEW", StringComparison.Ordinal)), "the NEW line");
            Assert.Matches(new Regex("""^ERROR state at=\S+ message=".*unusable.*"$"""), run.Output.Lines[0]);
        }

        Assert.True(File.Exists(folder.StateFile + ".corrupt"));
        using var saved = JsonDocument.Parse(await File.ReadAllTextAsync(folder.StateFile));
        Assert.Equal(1, saved.RootElement.GetProperty("version").GetInt32());
        Assert.Single(saved.RootElement.GetProperty("slots").EnumerateArray());
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(folder.StateFile)!, "*.tmp"));
    }

    [Fact]
    public async Task Slots_of_an_office_not_open_for_booking_yet_are_tracked_but_not_announced()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        // Noon in Rome today: bookings of an office opening at 23:00 are hours away.
        var clock = new FixedClock(RomeTime.At(Agenda.Today, new TimeOnly(12, 0)));
        var office = agenda.Simulator.World.GetOffice("TOPQ60");
        var key = agenda.Simulator.World.AddSlot(office.Id, Agenda.Today.AddDays(10), new TimeOnly(17, 0), 1);
        agenda.Simulator.World.SetBookableFrom(office.Id, new TimeOnly(23, 0));

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await Wait.UntilAsync(() => run.Status.Current.OpenSlots.Any(s => s.Key == key), () => "the slot tracked");
        await run.WaitForPollsAsync(2);
        Assert.Empty(run.Output.Lines);
        Assert.False(run.Status.Current.OpenSlots.Single(s => s.Key == key).Announced);

        // The office opens its bookings: now it is news.
        agenda.Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        await run.Output.WaitForAsync(l => l.Count == 1, "the NEW line once bookable");
        Assert.StartsWith($"NEW TOPQ60 {Day(10)} 17:00 places=1", run.Output.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_watches_cannot_share_a_state_file()
    {
        await using var agenda = await Agenda.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 17, 1);
        var clock = FixedClock.AtRealNow();

        await using var first = await WatchRun.StartAsync(agenda.Simulator, folder, clock);
        await first.Output.WaitForAsync(l => l.Count == 1, "the first watch's NEW line");
        await using var second = await WatchRun.StartAsync(agenda.Simulator, folder, clock);

        var error = await Assert.ThrowsAsync<State.WatchStateInUseException>(() => second.Completion);
        Assert.Contains(folder.StateFile, error.Message, StringComparison.Ordinal);
        Assert.Empty(second.Output.Lines);
        await first.WaitForPollsAsync(1);
    }
}

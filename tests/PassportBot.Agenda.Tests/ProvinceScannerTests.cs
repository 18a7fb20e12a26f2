using PassportBot.Agenda.Simulator.Server;
using PassportBot.Domain;

namespace PassportBot.Agenda.Tests;

public sealed class ProvinceScannerTests
{
    private static DateOnly Today => RomeTime.Today(TimeProvider.System);

    [Fact]
    public async Task Coverage_and_completeness_with_a_failing_office()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MonthsAhead"] = "2", ["MaxRetries"] = "1" });
        var world = h.Simulator.World;
        var questura = world.GetOffice("TOPQ60");
        var failing = world.GetOffice("TOPC01");
        var m0 = Today.AddDays(3);
        var m1 = new DateOnly(m0.Year, m0.Month, 1).AddMonths(1).AddDays(4);
        var m2 = new DateOnly(m0.Year, m0.Month, 1).AddMonths(2).AddDays(4);
        var a = world.AddSlot(questura.Id, m0, new TimeOnly(9, 0), 2);
        var b = world.AddSlot(questura.Id, m1, new TimeOnly(15, 30), 1);
        world.AddSlot(questura.Id, m2, new TimeOnly(10, 0), 1); // beyond MonthsAhead
        world.AddSlot(failing.Id, m0, new TimeOnly(11, 0), 1);
        h.Simulator.Faults.FailOffice(failing.Id, 500);
        var before = DateTimeOffset.UtcNow;

        var scan = await h.Scanner.ScanAsync("to", CancellationToken.None);

        Assert.Equal("TO", scan.Province);
        Assert.InRange(scan.PolledAt, before.AddSeconds(-1), DateTimeOffset.UtcNow);
        Assert.False(scan.Complete);
        var error = Assert.Single(scan.Errors);
        Assert.Contains("TOPC01", error);
        Assert.Contains("HTTP 500", error);

        Assert.Equal(world.OfficesIn("TO").Count, scan.Offices.Count);
        var q = Assert.Single(scan.Offices, o => o.Office.Id == questura.Id);
        Assert.Equal(m0, q.FirstDate);
        Assert.Equal([new SlotObservation(a, 2), new SlotObservation(b, 1)], q.Slots);

        var monthEnd = new DateOnly(m0.Year, m0.Month, 1).AddMonths(2).AddDays(-1);
        Assert.Contains(new OfficeCoverage(questura.Id, Today, monthEnd), scan.Coverage);
        Assert.DoesNotContain(scan.Coverage, c => c.OfficeId == failing.Id);
        foreach (var idle in world.OfficesIn("TO").Where(o => o.Id != questura.Id && o.Id != failing.Id))
            Assert.Contains(new OfficeCoverage(idle.Id, Today, DateOnly.MaxValue), scan.Coverage);

        // Politeness: one office list call, one B call per month read, none for offices without a date.
        Assert.Equal(1, h.Simulator.Calls.OfficeListCalls("TO"));
        Assert.Equal(2, h.Simulator.Calls.MonthCalls(questura.Id));
        Assert.Equal(2, h.Simulator.Calls.MonthCalls(failing.Id)); // one attempt + one retry
        Assert.Equal(4, h.Simulator.Calls.Count(SimulatorEndpoint.OfficeMonth));
        Assert.Equal(
            [AgendaParsing.MonthReference(m0), AgendaParsing.MonthReference(m0.AddMonths(1))],
            h.Simulator.Calls.Requests.Where(r => r.OfficeId == questura.Id).Select(r => r.DataRiferimento).Order());
    }

    [Fact]
    public async Task A_clean_scan_is_complete()
    {
        await using var h = await AgendaHarness.StartAsync();
        var office = h.Simulator.World.GetOffice("MIPQ60");
        h.Simulator.World.AddSlot(office.Id, Today.AddDays(1), new TimeOnly(8, 0), 1);

        var scan = await h.Scanner.ScanAsync("MI", CancellationToken.None);

        Assert.True(scan.Complete);
        Assert.Empty(scan.Errors);
        Assert.Equal(scan.Offices.Count, scan.Coverage.Count);
        Assert.Single(scan.Offices.SelectMany(o => o.Slots));
    }

    [Fact]
    public async Task An_unavailable_office_list_gives_an_incomplete_scan_that_covers_nothing()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxRetries"] = "1" });
        h.Simulator.Faults.FailWithStatus(calls: 2, status: 503);

        var scan = await h.Scanner.ScanAsync("TO", CancellationToken.None);

        Assert.False(scan.Complete);
        Assert.Empty(scan.Coverage);
        Assert.Empty(scan.Offices);
        Assert.Contains("503", Assert.Single(scan.Errors));
    }

    [Fact]
    public async Task Session_expiry_in_the_middle_of_a_scan_propagates()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxConcurrency"] = "1" });
        foreach (var office in h.Simulator.World.OfficesIn("RM").Take(6))
            h.Simulator.World.AddSlot(office.Id, Today.AddDays(2), new TimeOnly(9, 0), 1);
        h.Simulator.Faults.ExpireSessionAfter(3);

        await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Scanner.ScanAsync("RM", CancellationToken.None));
        Assert.True(h.Simulator.Calls.Count(SimulatorEndpoint.OfficeMonth) < 12, "the scan stopped early");
    }

    [Fact]
    public async Task Concurrency_is_bounded_across_concurrent_scans()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxConcurrency"] = "2", ["MonthsAhead"] = "1" });
        foreach (var office in h.Simulator.World.OfficesIn("RM").Take(8).Concat(h.Simulator.World.OfficesIn("NA").Take(8)))
            h.Simulator.World.AddSlot(office.Id, Today.AddDays(2), new TimeOnly(9, 0), 1);
        await h.Client.GetOfficesAsync("BO", CancellationToken.None); // warm up the server
        h.Simulator.Calls.Clear();
        h.Simulator.Faults.SlowDown(TimeSpan.FromMilliseconds(40));

        var scans = await Task.WhenAll(h.Scanner.ScanAsync("RM", CancellationToken.None), h.Scanner.ScanAsync("NA", CancellationToken.None));

        Assert.All(scans, s => Assert.True(s.Complete));
        Assert.Equal(16, h.Simulator.Calls.Count(SimulatorEndpoint.OfficeMonth));
        Assert.InRange(h.Simulator.Calls.MaxConcurrent, 1, 2);
    }
}

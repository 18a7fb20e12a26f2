using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Messaging;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

public class PollUpdatesTests
{
    private static DateTimeOffset Rome(int h, int m) => RomeTime.At(new DateOnly(2026, 11, 26), new TimeOnly(h, m));

    private static ProvinceScan Scan(params OfficeAvailability[] offices) =>
        new("TO", Rome(8, 56), offices, offices.Select(o => new OfficeCoverage(o.Office.Id, new DateOnly(2026, 11, 26), new DateOnly(2026, 12, 31))).ToList(), true, []);

    [Fact]
    public void Splits_offices_by_when_they_can_be_booked()
    {
        var open = At(Turin(1) with { BookableFrom = new TimeOnly(8, 0) }, Slot(1, 19, 9));
        var soon = At(Turin(2) with { BookableFrom = new TimeOnly(9, 0) }, Slot(2, 19, 9));
        var later = At(Turin(3) with { BookableFrom = new TimeOnly(15, 0) }, Slot(3, 19, 9));
        var empty = At(Turin(4));

        var updates = PollUpdates.From(Scan(open, soon, later, empty), Rome(8, 56), TimeSpan.FromMinutes(5), "p1");

        Assert.Equal([AvailabilityOperation.Insert, AvailabilityOperation.InsertScheduled, AvailabilityOperation.SetInactive], updates.Select(u => u.Operation).ToArray());
        Assert.Equal([1], updates[0].Availability.Select(a => a.Office.Id).ToArray());
        Assert.Equal([2], updates[1].Availability.Select(a => a.Office.Id).ToArray());
        Assert.Equal(Rome(9, 0), updates[1].BookableAt);
        Assert.Equal([1, 2, 3, 4], updates[2].Availability.Select(a => a.Office.Id).ToArray());
        Assert.Equal(4, updates[2].Coverage.Count);
        Assert.All(updates, u => Assert.Equal("p1", u.PollId));
    }

    [Fact]
    public void A_poll_with_nothing_open_still_reports_what_it_read()
    {
        var updates = PollUpdates.From(Scan(At(Turin(1))), Rome(12, 0), TimeSpan.FromMinutes(5), "p2");
        var only = Assert.Single(updates);
        Assert.Equal(AvailabilityOperation.SetInactive, only.Operation);
        Assert.Single(only.Coverage);
    }
}

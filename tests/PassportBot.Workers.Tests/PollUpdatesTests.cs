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
    public void One_message_per_poll_says_which_offices_may_announce_and_when()
    {
        var open = At(Turin(1) with { BookableFrom = new TimeOnly(8, 0) }, Slot(1, 19, 9));
        var soon = At(Turin(2) with { BookableFrom = new TimeOnly(9, 0) }, Slot(2, 19, 9));
        var later = At(Turin(3) with { BookableFrom = new TimeOnly(15, 0) }, Slot(3, 19, 9));
        var empty = At(Turin(4));

        var update = Assert.Single(PollUpdates.From(Scan(open, soon, later, empty), Rome(8, 56), TimeSpan.FromMinutes(5), "p1"));

        Assert.Equal(AvailabilityOperation.SetInactive, update.Operation);
        Assert.Equal(AvailabilityUpdate.CurrentVersion, update.Version);
        Assert.Equal([new OfficeOffer(1), new OfficeOffer(2, Rome(9, 0))], update.Offers!.ToArray());
        Assert.Equal([1, 2, 3, 4], update.Availability.Select(a => a.Office.Id).ToArray());
        Assert.Equal(4, update.Coverage.Count);
        Assert.Equal("p1", update.PollId);
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

using PassportBot.Domain.Pipeline;

namespace PassportBot.Domain.Tests;

public class SlotPipelineTests
{
    private static readonly Office Turin = new(40, "TOPQ60", "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0));
    private static readonly Office Moncalieri = Turin with { Id = 41, Code = "TOPC01", BookableFrom = new TimeOnly(15, 0) };
    private readonly SlotPipeline _pipeline = new(new SlotLifecycle(TimeSpan.FromMinutes(10)));

    private static SlotObservation Slot(int office, DateOnly date, int hour, int places = 1) => new(new SlotKey(office, date, new TimeOnly(hour, 0)), places);

    private static DateTimeOffset Rome(DateOnly date, int hour, int minute) => RomeTime.At(date, new TimeOnly(hour, minute));

    private static ProvincePoll Poll(DateTimeOffset at, DateOnly coverFrom, params PolledOffice[] offices) =>
        new("TO", at, offices, offices.Select(o => new OfficeCoverage(o.Seen.Office.Id, coverFrom, coverFrom.AddDays(60))).ToList());

    private static PolledOffice Offered(Office office, params SlotObservation[] slots) => new(new OfficeAvailability(office, null, slots), true);

    private static PolledOffice NotOffered(Office office, params SlotObservation[] slots) => new(new OfficeAvailability(office, null, slots), false);

    private static Dictionary<SlotKey, SlotRecord> Store(Dictionary<SlotKey, SlotRecord> known, PollOutcome outcome)
    {
        foreach (var change in outcome.Changes) known[change.Record.Key] = change.Record;
        return known;
    }

    [Fact]
    public void A_poll_announces_offered_offices_records_the_others_and_closes_after_two_covered_misses()
    {
        var day = new DateOnly(2026, 12, 19);
        var known = new Dictionary<SlotKey, SlotRecord>();
        var t0 = Rome(new DateOnly(2026, 12, 1), 10, 0);

        var first = _pipeline.Apply(Poll(t0, new DateOnly(2026, 12, 1), Offered(Turin, Slot(40, day, 17)), NotOffered(Moncalieri, Slot(41, day, 9))), known);
        var announced = Assert.Single(first.Announcements);
        Assert.Equal(Turin, announced.Office);
        Assert.Equal(2, first.Changes.Count); // Moncalieri's slot is recorded, not announced
        Store(known, first);

        var miss = _pipeline.Apply(Poll(t0.AddMinutes(1), new DateOnly(2026, 12, 1), Offered(Turin), NotOffered(Moncalieri, Slot(41, day, 9))), known);
        Assert.Empty(miss.Closures);
        Store(known, miss);
        var close = _pipeline.Apply(Poll(t0.AddMinutes(2), new DateOnly(2026, 12, 1), Offered(Turin), Offered(Moncalieri, Slot(41, day, 9))), known);
        var closed = Assert.Single(close.Closures);
        Assert.Equal(Slot(40, day, 17).Key, closed.Record.Key);
        Assert.True(closed.WasAnnounced);
        Assert.Equal(1, closed.LastPlaces);
        // Offered at last: the recorded slot of Moncalieri is announced now.
        Assert.Equal(Moncalieri, Assert.Single(close.Announcements).Office);
    }

    public static TheoryData<string, DateOnly> Nights => new()
    {
        { "an ordinary winter night", new DateOnly(2026, 12, 19) },
        { "the 23-hour day (clocks go forward)", new DateOnly(2027, 3, 28) },
        { "the 25-hour day (clocks go back)", new DateOnly(2026, 10, 25) },
    };

    [Theory]
    [MemberData(nameof(Nights))]
    public void A_slot_of_a_day_that_is_over_in_rome_is_closed_by_the_next_poll_although_no_poll_covers_it(string night, DateOnly day)
    {
        _ = night;
        var known = new Dictionary<SlotKey, SlotRecord>();
        var evening = Rome(day, 20, 0);
        Store(known, _pipeline.Apply(Poll(evening, day, Offered(Turin, Slot(40, day, 17), Slot(40, day.AddDays(3), 9))), known));

        // Still listed a minute before midnight (Rome): open. Not listed and not covered one minute later: the
        // coverage now starts at the next day, so only the day-over rule can close it.
        var beforeMidnight = Rome(day, 23, 59);
        Store(known, _pipeline.Apply(Poll(beforeMidnight, day, Offered(Turin, Slot(40, day, 17), Slot(40, day.AddDays(3), 9))), known));
        Assert.True(known[Slot(40, day, 17).Key].IsOpen);

        var afterMidnight = beforeMidnight.AddMinutes(2);
        Assert.Equal(day.AddDays(1), DateOnly.FromDateTime(RomeTime.ToRome(afterMidnight)));
        var outcome = _pipeline.Apply(Poll(afterMidnight, day.AddDays(1), Offered(Turin, Slot(40, day.AddDays(3), 9))), known);
        var closed = Assert.Single(outcome.Closures);
        Assert.Equal(Slot(40, day, 17).Key, closed.Record.Key);
        Assert.Equal(afterMidnight, closed.Record.GoneAt);
        Assert.True(closed.WasAnnounced);
        Assert.Empty(outcome.Announcements);
    }

    [Fact]
    public void The_day_is_rome_time_not_utc()
    {
        // 23:30 UTC on 19 December is already 20 December in Rome.
        var day = new DateOnly(2026, 12, 19);
        var known = new Dictionary<SlotKey, SlotRecord>();
        Store(known, _pipeline.Apply(Poll(Rome(day, 12, 0), day, Offered(Turin, Slot(40, day, 17))), known));
        var outcome = _pipeline.Apply(new ProvincePoll("TO", new DateTimeOffset(2026, 12, 19, 23, 30, 0, TimeSpan.Zero), [], []), known);
        Assert.Single(outcome.Closures);
    }

    [Fact]
    public void A_slot_of_a_past_day_still_listed_is_neither_recorded_nor_announced_and_other_provinces_are_left_alone()
    {
        var day = new DateOnly(2026, 12, 19);
        var known = new Dictionary<SlotKey, SlotRecord>
        {
            [Slot(99, day.AddDays(-2), 9).Key] = new(Slot(99, day.AddDays(-2), 9).Key, "MI", 1, 1, Rome(day, 1, 0), Rome(day, 1, 0), null, null, 0),
        };
        var outcome = _pipeline.Apply(Poll(Rome(day, 12, 0), day, Offered(Turin, Slot(40, day.AddDays(-1), 17), Slot(40, day, 17))), known);
        Assert.Equal([Slot(40, day, 17)], Assert.Single(outcome.Announcements).Slots);
        Assert.Empty(outcome.Closures);
        Assert.DoesNotContain(outcome.Changes, c => c.Record.Key.OfficeId == 99);
    }

    [Fact]
    public void Slots_the_caller_does_not_accept_count_as_not_seen()
    {
        var day = new DateOnly(2026, 12, 19);
        var known = new Dictionary<SlotKey, SlotRecord>();
        var t0 = Rome(new DateOnly(2026, 12, 1), 10, 0);
        var outcome = _pipeline.Apply(Poll(t0, day, Offered(Turin, Slot(40, day, 17, places: 1), Slot(40, day, 18, places: 3))), known, (_, s) => s.Places >= 2);
        Assert.Equal([Slot(40, day, 18, places: 3)], Assert.Single(outcome.Announcements).Slots);
    }
}

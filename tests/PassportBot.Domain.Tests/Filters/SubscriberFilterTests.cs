using PassportBot.Domain;
using PassportBot.Domain.Filters;

namespace PassportBot.Domain.Tests.Filters;

public class SubscriberFilterTests
{
    private static readonly DateOnly Today = new(2027, 1, 10);
    private static readonly TimeOnly Nine = new(9, 0);

    [Fact]
    public void None_accepts_every_slot_and_is_never_quiet()
    {
        Assert.True(SubscriberFilter.None.AcceptsEverything);
        Assert.True(SubscriberFilter.None.Accepts("TOPQ60", Today.AddDays(900), Nine, 1, Today));
        Assert.False(SubscriberFilter.None.IsQuietAt(new DateTimeOffset(2027, 1, 10, 2, 0, 0, TimeSpan.Zero)));
        Assert.False(SubscriberFilter.None.NotifyGone);
    }

    [Fact]
    public void Before_keeps_slots_on_or_before_the_day()
    {
        var f = SubscriberFilter.None with { Before = new DateOnly(2027, 3, 31) };
        Assert.True(f.Accepts("TOPQ60", new DateOnly(2027, 3, 31), Nine, 1, Today));
        Assert.False(f.Accepts("TOPQ60", new DateOnly(2027, 4, 1), Nine, 1, Today));
    }

    [Fact]
    public void Within_counts_days_from_today_in_rome()
    {
        var f = SubscriberFilter.None with { WithinDays = 30 };
        Assert.True(f.Accepts("TOPQ60", Today.AddDays(30), Nine, 1, Today));
        Assert.False(f.Accepts("TOPQ60", Today.AddDays(31), Nine, 1, Today));
    }

    [Fact]
    public void Min_places_keeps_slots_with_enough_places()
    {
        var f = SubscriberFilter.None with { MinPlaces = 2 };
        Assert.False(f.Accepts("TOPQ60", Today, Nine, 1, Today));
        Assert.True(f.Accepts("TOPQ60", Today, Nine, 2, Today));
    }

    [Fact]
    public void Offices_restrict_to_the_listed_codes_in_any_case()
    {
        var f = SubscriberFilter.None.WithOffices(["topq60", " TOPC01 "]);
        Assert.True(f.Accepts("TOPQ60", Today, Nine, 1, Today));
        Assert.True(f.Accepts("TOPC01", Today, Nine, 1, Today));
        Assert.False(f.Accepts("TOPC02", Today, Nine, 1, Today));
        Assert.Null(f.WithOffices([]).OfficeCodes);
        Assert.Null(f.WithOffices(null).OfficeCodes);
    }

    [Fact]
    public void Combined_filters_must_all_pass()
    {
        var f = new SubscriberFilter
        {
            Before = new DateOnly(2027, 2, 28),
            MinPlaces = 2,
            Days = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Friday },
        }.WithOffices(["TOPQ60"]);
        var monday = new DateOnly(2027, 1, 18);
        Assert.Equal(DayOfWeek.Monday, monday.DayOfWeek);
        Assert.True(f.Accepts("TOPQ60", monday, Nine, 3, Today));
        Assert.False(f.Accepts("TOPC01", monday, Nine, 3, Today)); // office
        Assert.False(f.Accepts("TOPQ60", monday, Nine, 1, Today)); // places
        Assert.False(f.Accepts("TOPQ60", monday.AddDays(1), Nine, 3, Today)); // Tuesday
        Assert.False(f.Accepts("TOPQ60", new DateOnly(2027, 3, 1), Nine, 3, Today)); // a Monday after Before
        Assert.False(f.AcceptsEverything);
    }

    // Rome's 2027 changes: 28 March 02:00 CET -> 03:00 CEST (00:59 -> 01:00 UTC), 31 October 03:00 CEST -> 02:00 CET.
    [Theory]
    // Night before spring forward: 22:00 UTC 27 March = 23:00 CET, quiet.
    [InlineData("2027-03-27T22:00:00Z", true)]
    // 21:59 UTC = 22:59 CET: not yet.
    [InlineData("2027-03-27T21:59:00Z", false)]
    // 04:59 UTC 28 March = 06:59 CEST (after the jump): still quiet.
    [InlineData("2027-03-28T04:59:00Z", true)]
    // 05:00 UTC 28 March = 07:00 CEST: quiet is over (in winter this instant would be 06:00, still quiet).
    [InlineData("2027-03-28T05:00:00Z", false)]
    // Autumn: 21:00 UTC 30 October = 23:00 CEST: quiet.
    [InlineData("2027-10-30T21:00:00Z", true)]
    // 20:59 UTC 30 October = 22:59 CEST: not quiet (in winter it would be 21:59 anyway).
    [InlineData("2027-10-30T20:59:00Z", false)]
    // 05:59 UTC 31 October = 06:59 CET (after falling back): quiet.
    [InlineData("2027-10-31T05:59:00Z", true)]
    // 06:00 UTC 31 October = 07:00 CET: over. In summer time this instant would be 08:00.
    [InlineData("2027-10-31T06:00:00Z", false)]
    // 05:30 UTC 31 October = 06:30 CET: quiet, though in summer time it would read 07:30.
    [InlineData("2027-10-31T05:30:00Z", true)]
    public void Quiet_hours_follow_rome_wall_clock_across_dst(string instant, bool quiet)
    {
        var f = SubscriberFilter.None with { Quiet = new QuietHours(23, 7) };
        Assert.Equal(quiet, f.IsQuietAt(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(13, false)]
    [InlineData(14, true)]
    [InlineData(15, true)]
    [InlineData(16, false)]
    public void Quiet_hours_within_one_day_do_not_wrap(int hour, bool quiet) =>
        Assert.Equal(quiet, new QuietHours(14, 16).Contains(hour));

    [Fact]
    public void Quiet_hours_reject_bad_hours()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuietHours(24, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuietHours(23, -1));
        Assert.Throws<ArgumentException>(() => new QuietHours(7, 7));
    }

    [Fact]
    public void Weekdays_are_the_rome_calendar_day_of_the_slot_around_dst_changes()
    {
        // Slots carry Rome dates; the day of the week of the clock change itself is a Sunday in both cases.
        var f = SubscriberFilter.None with { Days = new HashSet<DayOfWeek> { DayOfWeek.Sunday } };
        var springSunday = new DateOnly(2027, 3, 28);
        var autumnSunday = new DateOnly(2027, 10, 31);
        Assert.True(f.Accepts("X", springSunday, new TimeOnly(2, 30), 1, springSunday));
        Assert.True(f.Accepts("X", autumnSunday, new TimeOnly(2, 30), 1, autumnSunday));
        Assert.False(f.Accepts("X", springSunday.AddDays(1), new TimeOnly(0, 0), 1, springSunday));
        Assert.False(f.Accepts("X", autumnSunday.AddDays(-1), new TimeOnly(23, 59), 1, autumnSunday));
    }

    [Fact]
    public void Within_uses_the_rome_day_even_when_utc_is_still_the_day_before()
    {
        // 23:30 UTC on 27 March 2027 is 00:30 on the 28th in Rome: "today" is the 28th.
        var clock = new FixedClock(new DateTimeOffset(2027, 3, 27, 23, 30, 0, TimeSpan.Zero));
        var today = RomeTime.Today(clock);
        Assert.Equal(new DateOnly(2027, 3, 28), today);
        var f = SubscriberFilter.None with { WithinDays = 1 };
        Assert.True(f.Accepts("X", new DateOnly(2027, 3, 29), Nine, 1, today));
        Assert.False(f.Accepts("X", new DateOnly(2027, 3, 30), Nine, 1, today));
    }

    [Fact]
    public void Filters_with_the_same_sets_are_equal()
    {
        var a = new SubscriberFilter { Days = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Friday } }.WithOffices(["A", "B"]);
        var b = new SubscriberFilter { Days = new HashSet<DayOfWeek> { DayOfWeek.Friday, DayOfWeek.Monday } }.WithOffices(["B", "A"]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b.WithOffices(["A"]));
        Assert.NotEqual(a, b with { Days = null });
    }

    [Fact]
    public void Weekday_masks_round_trip_and_seven_days_mean_all()
    {
        var days = new HashSet<DayOfWeek> { DayOfWeek.Sunday, DayOfWeek.Wednesday };
        Assert.True(days.SetEquals(Weekdays.FromMask(Weekdays.ToMask(days))!));
        Assert.Null(Weekdays.FromMask(Weekdays.AllMask));
        Assert.Null(Weekdays.FromMask(0));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

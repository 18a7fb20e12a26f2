using PassportBot.Domain;

namespace PassportBot.Domain.Tests;

public class BookingRulesTests
{
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);
    private static readonly TimeOnly Nine = new(9, 0);

    private static DateTimeOffset Rome(int y, int mo, int d, int h, int mi) => RomeTime.At(new DateOnly(y, mo, d), new TimeOnly(h, mi));

    [Fact]
    public void After_the_opening_hour_slots_are_bookable()
    {
        var b = BookingRules.Evaluate(Nine, Rome(2023, 12, 19, 9, 0), Five);
        Assert.Equal(BookingState.Bookable, b.State);
        Assert.Equal(BookingState.Bookable, BookingRules.Evaluate(Nine, Rome(2023, 12, 19, 23, 59), Five).State);
    }

    [Fact]
    public void Within_five_minutes_of_opening_slots_are_scheduled_with_the_opening_instant()
    {
        var b = BookingRules.Evaluate(Nine, Rome(2023, 12, 19, 8, 56), Five);
        Assert.Equal(BookingState.OpensSoon, b.State);
        Assert.Equal(Rome(2023, 12, 19, 9, 0), b.OpensAt);
    }

    [Fact]
    public void Earlier_slots_are_not_announced_yet()
    {
        Assert.Equal(BookingState.NotYet, BookingRules.Evaluate(Nine, Rome(2023, 12, 19, 8, 54), Five).State);
        Assert.Equal(BookingState.NotYet, BookingRules.Evaluate(new TimeOnly(19, 0), Rome(2023, 12, 19, 12, 0), Five).State);
    }

    [Theory]
    // Summer time: 9:00 Rome is 07:00 UTC; winter: 08:00 UTC. The rule follows Rome, not UTC.
    [InlineData(2024, 7, 1, 6, 58, BookingState.OpensSoon)]
    [InlineData(2024, 7, 1, 7, 0, BookingState.Bookable)]
    [InlineData(2024, 1, 15, 7, 30, BookingState.NotYet)]
    [InlineData(2024, 1, 15, 7, 57, BookingState.OpensSoon)]
    [InlineData(2024, 1, 15, 8, 0, BookingState.Bookable)]
    // The DST change days themselves.
    [InlineData(2024, 3, 31, 7, 0, BookingState.Bookable)]
    [InlineData(2024, 3, 31, 6, 56, BookingState.OpensSoon)]
    [InlineData(2024, 10, 27, 7, 50, BookingState.NotYet)]
    [InlineData(2024, 10, 27, 7, 59, BookingState.OpensSoon)]
    [InlineData(2024, 10, 27, 8, 0, BookingState.Bookable)]
    public void Follows_rome_time_across_daylight_saving(int y, int mo, int d, int utcH, int utcM, BookingState expected)
    {
        var now = new DateTimeOffset(y, mo, d, utcH, utcM, 0, TimeSpan.Zero);
        Assert.Equal(expected, BookingRules.Evaluate(Nine, now, Five).State);
    }

    [Fact]
    public void Midnight_utc_is_already_the_next_rome_day()
    {
        // 23:30 UTC on 19/12 is 00:30 on 20/12 in Rome: before a 9:00 opening.
        var now = new DateTimeOffset(2023, 12, 19, 23, 30, 0, TimeSpan.Zero);
        var b = BookingRules.Evaluate(Nine, now, Five);
        Assert.Equal(BookingState.NotYet, b.State);
        Assert.Equal(Rome(2023, 12, 20, 9, 0), b.OpensAt);
    }
}

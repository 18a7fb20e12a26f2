using PassportBot.Domain;

namespace PassportBot.Domain.Tests;

public class RomeTimeTests
{
    [Fact]
    public void Epoch_milliseconds_of_rome_midnight_give_the_rome_day_in_winter_and_summer()
    {
        // 19/12/2023 00:00 in Rome (UTC+1) is 18/12/2023 23:00 UTC: the site's "giorno" value.
        Assert.Equal(new DateOnly(2023, 12, 19), RomeTime.DayFromEpochMilliseconds(1702940400000));
        // 1/7/2024 00:00 in Rome (UTC+2) is 30/6/2024 22:00 UTC.
        Assert.Equal(new DateOnly(2024, 7, 1), RomeTime.DayFromEpochMilliseconds(new DateTimeOffset(2024, 6, 30, 22, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds()));
    }

    [Theory]
    [InlineData(2024, 3, 31)]  // spring forward
    [InlineData(2024, 10, 27)] // fall back
    [InlineData(2023, 12, 19)]
    public void Day_round_trips_through_epoch_milliseconds_across_dst(int y, int m, int d)
    {
        var day = new DateOnly(y, m, d);
        Assert.Equal(day, RomeTime.DayFromEpochMilliseconds(RomeTime.EpochMillisecondsOf(day)));
    }

    [Fact]
    public void A_time_in_the_spring_gap_moves_forward()
    {
        var at = RomeTime.At(new DateOnly(2024, 3, 31), new TimeOnly(2, 30));
        Assert.Equal(new DateTimeOffset(2024, 3, 31, 1, 0, 0, TimeSpan.Zero), at.ToUniversalTime());
    }
}

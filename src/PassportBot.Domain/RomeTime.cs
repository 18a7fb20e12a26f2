namespace PassportBot.Domain;

/// <summary>The agenda lives in Europe/Rome time: bookable-from hours, day boundaries, message texts.</summary>
public static class RomeTime
{
    public static TimeZoneInfo Zone { get; } = FindZone();

    public static DateTime ToRome(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(ToRome(time.GetUtcNow()));

    /// <summary>The instant at which Rome wall-clock time reads <paramref name="date"/> <paramref name="time"/>.
    /// In the spring-forward gap the clock jumps, so the first valid instant after it is returned.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        // For an ambiguous time (autumn fall-back) take the first occurrence (daylight time).
        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }

    /// <summary>Rome local midnight of the day that contains the given epoch-milliseconds instant (the site's "giorno").</summary>
    public static DateOnly DayFromEpochMilliseconds(long epochMs) =>
        DateOnly.FromDateTime(ToRome(DateTimeOffset.FromUnixTimeMilliseconds(epochMs)));

    public static long EpochMillisecondsOf(DateOnly day) => At(day, TimeOnly.MinValue).ToUnixTimeMilliseconds();

    private static TimeZoneInfo FindZone()
    {
        try { return TimeZoneInfo.FindSystemTimeZoneById("Europe/Rome"); }
        catch (TimeZoneNotFoundException) { return TimeZoneInfo.FindSystemTimeZoneById("W. Europe Standard Time"); }
    }
}

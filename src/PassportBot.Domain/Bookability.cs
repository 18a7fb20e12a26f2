namespace PassportBot.Domain;

public enum BookingState
{
    /// <summary>Rome time is past the office's bookable-from hour: announce now (INSERT).</summary>
    Bookable,
    /// <summary>Bookable within the look-ahead window: announce with the opening time (INSERT SCHEDULED).</summary>
    OpensSoon,
    /// <summary>Not bookable yet, and not soon: record, do not announce.</summary>
    NotYet,
}

public readonly record struct Bookability(BookingState State, DateTimeOffset OpensAt);

/// <summary>When an office's slots can be booked: each day from its bookable-from hour (Europe/Rome) until midnight.</summary>
public static class BookingRules
{
    public static readonly TimeSpan DefaultLookAhead = TimeSpan.FromMinutes(5);

    public static Bookability Evaluate(TimeOnly bookableFrom, DateTimeOffset now, TimeSpan lookAhead)
    {
        var today = DateOnly.FromDateTime(RomeTime.ToRome(now));
        var opensToday = RomeTime.At(today, bookableFrom);
        if (now >= opensToday) return new Bookability(BookingState.Bookable, opensToday);
        return opensToday - now <= lookAhead
            ? new Bookability(BookingState.OpensSoon, opensToday)
            : new Bookability(BookingState.NotYet, opensToday);
    }
}

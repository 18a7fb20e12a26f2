namespace PassportBot.Domain.Filters;

/// <summary>Weekday sets as a 7-bit mask (bit n = <see cref="DayOfWeek"/> n), the form the store keeps.</summary>
public static class Weekdays
{
    public const int AllMask = 0b111_1111;

    /// <summary>Monday first, as Italian and English calendars show a week.</summary>
    public static IReadOnlyList<DayOfWeek> MondayFirst { get; } =
    [
        DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday,
        DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday,
    ];

    public static int ToMask(IEnumerable<DayOfWeek> days) => days.Aggregate(0, (mask, d) => mask | (1 << (int)d));

    /// <summary>The set for a mask; 0 or all seven days mean "no restriction" (null).</summary>
    public static IReadOnlySet<DayOfWeek>? FromMask(int mask)
    {
        mask &= AllMask;
        if (mask is 0 or AllMask) return null;
        return MondayFirst.Where(d => (mask & (1 << (int)d)) != 0).ToHashSet();
    }
}

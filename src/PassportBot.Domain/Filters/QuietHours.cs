namespace PassportBot.Domain.Filters;

/// <summary>Rome wall-clock hours [FromHour, ToHour) during which messages arrive silently.
/// FromHour greater than ToHour wraps midnight: 23-07 is 23:00 to 06:59.</summary>
public readonly record struct QuietHours
{
    public QuietHours(int fromHour, int toHour)
    {
        if (fromHour is < 0 or > 23) throw new ArgumentOutOfRangeException(nameof(fromHour), fromHour, "An hour is 0 to 23.");
        if (toHour is < 0 or > 23) throw new ArgumentOutOfRangeException(nameof(toHour), toHour, "An hour is 0 to 23.");
        if (fromHour == toHour) throw new ArgumentException("Quiet hours must not start and end at the same hour.", nameof(toHour));
        FromHour = fromHour;
        ToHour = toHour;
    }

    public int FromHour { get; }

    public int ToHour { get; }

    public bool Contains(int hour) =>
        FromHour < ToHour ? hour >= FromHour && hour < ToHour : hour >= FromHour || hour < ToHour;

    /// <summary>"23-07", the form /quiet takes and the store keeps.</summary>
    public override string ToString() => $"{FromHour:00}-{ToHour:00}";
}

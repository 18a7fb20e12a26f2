namespace PassportBot.Domain.Filters;

/// <summary>Which slots one subscriber of one province wants to hear about: the user's own settings
/// (date limits, places, weekdays, quiet hours, "gone" alerts) plus that province's office restriction.
/// Every restriction left null lets everything through.</summary>
public sealed record SubscriberFilter
{
    public static SubscriberFilter None { get; } = new();

    /// <summary>Only slots dated on or before this day.</summary>
    public DateOnly? Before { get; init; }

    /// <summary>Only slots dated within this many days from today (Rome).</summary>
    public int? WithinDays { get; init; }

    /// <summary>Only slots with at least this many free places.</summary>
    public int? MinPlaces { get; init; }

    /// <summary>Only slots on these weekdays; null means every day.</summary>
    public IReadOnlySet<DayOfWeek>? Days { get; init; }

    /// <summary>Rome hours during which messages are sent silently; they are never dropped or delayed.</summary>
    public QuietHours? Quiet { get; init; }

    /// <summary>Also announce that a slot the subscriber was told about is gone.</summary>
    public bool NotifyGone { get; init; }

    /// <summary>Office codes (upper case, as the agenda spells them) of the province to keep; null means all.</summary>
    public IReadOnlySet<string>? OfficeCodes { get; init; }

    /// <summary>True when no restriction on slots is set (quiet hours and "gone" alerts do not restrict slots).</summary>
    public bool AcceptsEverything =>
        Before is null && WithinDays is null && MinPlaces is null && Days is null && OfficeCodes is null;

    public bool Accepts(string officeCode, DateOnly date, TimeOnly time, int places, DateOnly todayInRome)
    {
        _ = time; // no time-of-day filter yet; part of the signature so callers need not change when one comes
        if (OfficeCodes is not null && !OfficeCodes.Contains(officeCode)) return false;
        if (Before is { } before && date > before) return false;
        if (WithinDays is { } within && date > todayInRome.AddDays(within)) return false;
        if (MinPlaces is { } min && places < min) return false;
        if (Days is not null && !Days.Contains(date.DayOfWeek)) return false;
        return true;
    }

    /// <summary>Whether a message sent at <paramref name="instant"/> should be silent (Rome wall-clock hour).</summary>
    public bool IsQuietAt(DateTimeOffset instant) =>
        Quiet is { } quiet && quiet.Contains(RomeTime.ToRome(instant).Hour);

    /// <summary>This filter restricted to the given office codes (null or empty: all offices).</summary>
    public SubscriberFilter WithOffices(IEnumerable<string>? codes)
    {
        var set = codes?.Select(c => c.Trim().ToUpperInvariant()).Where(c => c.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
        return this with { OfficeCodes = set is { Count: > 0 } ? set : null };
    }

    // Sets compare by content so that two filters read from the store compare equal.
    public bool Equals(SubscriberFilter? other) =>
        other is not null
        && Before == other.Before && WithinDays == other.WithinDays && MinPlaces == other.MinPlaces
        && Nullable.Equals(Quiet, other.Quiet) && NotifyGone == other.NotifyGone
        && SameSet(Days, other.Days) && SameSet(OfficeCodes, other.OfficeCodes);

    public override int GetHashCode() =>
        HashCode.Combine(Before, WithinDays, MinPlaces, Quiet, NotifyGone,
            Days is null ? -1 : Weekdays.ToMask(Days), OfficeCodes?.Count ?? -1);

    private static bool SameSet<T>(IReadOnlySet<T>? a, IReadOnlySet<T>? b) =>
        a is null ? b is null : b is not null && a.SetEquals(b);
}

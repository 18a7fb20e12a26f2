using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PassportBot.Domain;

/// <summary>The identity of a slot: one office, one day, one time. A slot is announced once per life.</summary>
public readonly record struct SlotKey(int OfficeId, DateOnly Date, TimeOnly Time) : IComparable<SlotKey>
{
    /// <summary>"40|2023-12-19|17:00": stable, sortable, used as a database and API key.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{OfficeId}|{Date:yyyy-MM-dd}|{Time:HH\\:mm}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out SlotKey? key)
    {
        key = null;
        if (text is null) return false;
        var parts = text.Split('|');
        if (parts.Length != 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var office) || office <= 0) return false;
        if (!DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
        if (!TimeOnly.TryParseExact(parts[2], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)) return false;
        key = new SlotKey(office, date, time);
        return true;
    }

    public int CompareTo(SlotKey other)
    {
        var c = OfficeId.CompareTo(other.OfficeId);
        if (c != 0) return c;
        c = Date.CompareTo(other.Date);
        return c != 0 ? c : Time.CompareTo(other.Time);
    }
}

/// <summary>A slot as one poll saw it: its key and how many places were free.</summary>
public sealed record SlotObservation(SlotKey Key, int Places);

/// <summary>What one poll saw of one office: the office, its first free date (null: none) and its slots.</summary>
public sealed record OfficeAvailability(Office Office, DateOnly? FirstDate, IReadOnlyList<SlotObservation> Slots);

/// <summary>The part of an office's agenda a poll actually read: slots of this office dated within
/// [From, To] that the poll did not see are evidence of absence; anything else is not.</summary>
public sealed record OfficeCoverage(int OfficeId, DateOnly From, DateOnly To)
{
    public bool Covers(SlotKey key) => key.OfficeId == OfficeId && key.Date >= From && key.Date <= To;
}

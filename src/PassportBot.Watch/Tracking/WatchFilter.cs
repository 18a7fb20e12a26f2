using PassportBot.Domain;

namespace PassportBot.Watch.Tracking;

/// <summary>What the user asked to watch: which offices, up to which day, with how many free places.</summary>
public sealed class WatchFilter
{
    private readonly HashSet<string> provinces;
    private readonly HashSet<string> officeCodes;

    public WatchFilter(IEnumerable<string> provinces, IEnumerable<string> officeCodes, DateOnly? before, int minPlaces)
    {
        this.provinces = provinces.Select(p => p.Trim().ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        this.officeCodes = officeCodes.Select(c => c.Trim().ToUpperInvariant()).Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
        Before = before;
        MinPlaces = Math.Max(1, minPlaces);
    }

    public static WatchFilter From(WatchOptions options) =>
        new(options.QuesturaProvinces, options.Offices, options.Before, options.MinPlaces);

    public DateOnly? Before { get; }

    public int MinPlaces { get; }

    /// <summary>Whether slots of this office on this day are watched at all (places aside).</summary>
    public bool Watches(Office office, DateOnly date) =>
        provinces.Contains(office.Province.ToUpperInvariant())
        && (officeCodes.Count == 0 || officeCodes.Contains(office.Code.ToUpperInvariant()))
        && (Before is not { } last || date <= last);

    /// <summary>Whether a slot as seen now is of interest; one that stops being so counts as gone.</summary>
    public bool Accepts(Office office, SlotObservation slot) => slot.Places >= MinPlaces && Watches(office, slot.Key.Date);
}

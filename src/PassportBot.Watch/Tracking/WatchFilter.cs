using PassportBot.Domain;
using PassportBot.Domain.Filters;

namespace PassportBot.Watch.Tracking;

/// <summary>What the user asked to watch: which provinces, and the same <see cref="SubscriberFilter"/> the bot
/// applies to its subscribers (offices, date limits, places, weekdays).</summary>
public sealed class WatchFilter
{
    private readonly HashSet<string> provinces;
    private readonly TimeProvider time;

    public WatchFilter(IEnumerable<string> provinces, SubscriberFilter filter, TimeProvider time)
    {
        this.provinces = provinces.Select(p => p.Trim().ToUpperInvariant()).ToHashSet(StringComparer.Ordinal);
        Filter = filter;
        this.time = time;
    }

    public static WatchFilter From(WatchOptions options, TimeProvider time) =>
        new(options.QuesturaProvinces, options.ToSubscriberFilter(), time);

    public SubscriberFilter Filter { get; }

    /// <summary>Whether slots of this office on this day are watched at all (places aside).</summary>
    public bool Watches(Office office, DateOnly date) =>
        provinces.Contains(office.Province.ToUpperInvariant())
        && Filter.Accepts(office.Code.ToUpperInvariant(), date, TimeOnly.MinValue, int.MaxValue, RomeTime.Today(time));

    /// <summary>Whether a slot as seen now is of interest; one that stops being so counts as gone.</summary>
    public bool Accepts(Office office, SlotObservation slot) =>
        provinces.Contains(office.Province.ToUpperInvariant())
        && Filter.Accepts(office.Code.ToUpperInvariant(), slot.Key.Date, slot.Key.Time, slot.Places, RomeTime.Today(time));
}

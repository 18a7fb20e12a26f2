using PassportBot.Agenda;
using PassportBot.Domain;

namespace PassportBot.Watch.Tracking;

/// <summary>Applies province scans to the slots the user watches, with the same rules as the full system:
/// <see cref="BookingRules"/> decide when a slot may be announced, <see cref="SlotLifecycle"/> decides NEW
/// (once per life) and GONE (after consecutive complete misses). Not thread-safe: one watch loop owns it.</summary>
public sealed class SlotTracker
{
    private readonly SlotLifecycle lifecycle;
    private readonly WatchFilter filter;
    private readonly TimeSpan lookAhead;
    private readonly Dictionary<SlotKey, SlotRecord> records = [];
    private readonly Dictionary<int, Office> offices = [];

    public SlotTracker(SlotLifecycle lifecycle, WatchFilter filter, TimeSpan lookAhead, WatchState? state = null)
    {
        this.lifecycle = lifecycle;
        this.filter = filter;
        this.lookAhead = lookAhead;
        if (state is null) return;
        foreach (var office in state.Offices) offices[office.Id] = office;
        // A record without its office could not be shown or closed meaningfully: drop it.
        foreach (var record in state.Slots.Where(r => offices.ContainsKey(r.Key.OfficeId))) records[record.Key] = record;
    }

    /// <summary>Applies one scan. <paramref name="now"/> decides bookability and the day; records carry the scan's time.</summary>
    public IReadOnlyList<WatchEvent> Apply(ProvinceScan scan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var at = scan.PolledAt;
        var opened = new List<SlotOpened>();
        var seen = new HashSet<SlotKey>();

        foreach (var availability in scan.Offices)
        {
            var office = availability.Office;
            offices[office.Id] = office;
            var bookability = BookingRules.Evaluate(office.BookableFrom, now, lookAhead);
            foreach (var slot in availability.Slots)
            {
                if (slot.Key.OfficeId != office.Id || !filter.Accepts(office, slot) || !seen.Add(slot.Key)) continue;
                var existing = records.GetValueOrDefault(slot.Key);
                var outcome = bookability.State == BookingState.NotYet
                    ? lifecycle.Observe(existing, slot, scan.Province, at)
                    : lifecycle.Offer(existing, slot, scan.Province, at);
                records[slot.Key] = outcome.Record;
                if (outcome.Transition == SlotTransition.Announce)
                {
                    var bookableAt = bookability.State == BookingState.OpensSoon ? bookability.OpensAt : (DateTimeOffset?)null;
                    opened.Add(new SlotOpened(at, new WatchedSlot(office, outcome.Record), bookableAt));
                }
            }
        }

        var gone = new List<SlotGone>();
        var today = DateOnly.FromDateTime(RomeTime.ToRome(now));
        var coverage = scan.Coverage.ToLookup(c => c.OfficeId);
        foreach (var record in records.Values.Where(r => r.IsOpen && r.Province == scan.Province && !seen.Contains(r.Key)).ToArray())
        {
            if (!offices.TryGetValue(record.Key.OfficeId, out var office)) continue;
            var pastDay = record.Key.Date < today;
            // Only what the scan read completely is evidence of absence; a slot outside the filter is not ours to close.
            if (!pastDay && (!filter.Watches(office, record.Key.Date) || !coverage[record.Key.OfficeId].Any(c => c.Covers(record.Key)))) continue;
            var outcome = lifecycle.Miss(record, at);
            records[record.Key] = outcome.Record;
            if (outcome.Transition == SlotTransition.Closed && record.AnnouncedAt is not null)
                gone.Add(new SlotGone(at, new WatchedSlot(office, outcome.Record), record.Places));
        }

        Prune(now, today);
        return
        [
            .. opened.OrderBy(e => e.Slot.Office.Code, StringComparer.Ordinal).ThenBy(e => e.Slot.Key),
            .. gone.OrderBy(e => e.Slot.Office.Code, StringComparer.Ordinal).ThenBy(e => e.Slot.Key),
        ];
    }

    /// <summary>Open slots the user watches, announced or waiting for their office to open bookings.</summary>
    public IReadOnlyList<WatchedSlot> OpenSlots() =>
        records.Values
            .Where(r => r.IsOpen && offices.ContainsKey(r.Key.OfficeId) && filter.Watches(offices[r.Key.OfficeId], r.Key.Date))
            .Select(r => new WatchedSlot(offices[r.Key.OfficeId], r))
            .OrderBy(s => s.Key.Date).ThenBy(s => s.Key.Time).ThenBy(s => s.Office.Code, StringComparer.Ordinal)
            .ToArray();

    /// <summary>What to persist: every record still meaningful and the offices they belong to.</summary>
    public WatchState Export()
    {
        var slots = records.Values.OrderBy(r => r.Key).ToArray();
        var used = slots.Select(r => r.Key.OfficeId).ToHashSet();
        return new WatchState(offices.Values.Where(o => used.Contains(o.Id)).OrderBy(o => o.Id).ToArray(), slots);
    }

    private void Prune(DateTimeOffset now, DateOnly today)
    {
        foreach (var record in records.Values.ToArray())
        {
            // Past the grace window a gone slot's record changes nothing (SlotLifecycle treats it as new); past days never return.
            var forgotten = record.GoneAt is { } goneAt && now - goneAt > lifecycle.GraceWindow;
            if (forgotten || record.Key.Date < today) records.Remove(record.Key);
        }
    }
}

/// <summary>The tracker's memory between runs.</summary>
public sealed record WatchState(IReadOnlyList<Office> Offices, IReadOnlyList<SlotRecord> Slots)
{
    public static WatchState Empty { get; } = new([], []);
}

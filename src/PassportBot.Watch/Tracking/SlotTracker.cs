using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Pipeline;

namespace PassportBot.Watch.Tracking;

/// <summary>Applies province scans to the slots the user watches with the server's own <see cref="SlotPipeline"/>:
/// <see cref="BookingRules"/> decide when a slot may be announced, <see cref="SlotLifecycle"/> decides NEW
/// (once per life) and GONE (after consecutive complete misses, or when its day is over). Not thread-safe: one
/// watch loop owns it.</summary>
public sealed class SlotTracker
{
    private readonly SlotPipeline pipeline;
    private readonly WatchFilter filter;
    private readonly TimeSpan lookAhead;
    private readonly Dictionary<SlotKey, SlotRecord> records = [];
    private readonly Dictionary<int, Office> offices = [];

    public SlotTracker(SlotLifecycle lifecycle, WatchFilter filter, TimeSpan lookAhead, WatchState? state = null)
    {
        pipeline = new SlotPipeline(lifecycle);
        this.filter = filter;
        this.lookAhead = lookAhead;
        if (state is null) return;
        foreach (var office in state.Offices) offices[office.Id] = office;
        // A record without its office could not be shown or closed meaningfully: drop it.
        foreach (var record in state.Slots.Where(r => offices.ContainsKey(r.Key.OfficeId))) records[record.Key] = record;
    }

    /// <summary>Applies one scan. <paramref name="now"/> decides bookability; records carry the scan's time.</summary>
    public IReadOnlyList<WatchEvent> Apply(ProvinceScan scan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var at = scan.PolledAt;
        foreach (var availability in scan.Offices) offices[availability.Office.Id] = availability.Office;

        var poll = new ProvincePoll(scan.Province, at, scan.Offices.Select(o => PolledOffice.Classify(o, now, lookAhead)).ToList(), scan.Coverage);
        // Slots outside the filter are not tracked: one that stops passing it counts as gone.
        var outcome = pipeline.Apply(poll, records, filter.Accepts);
        foreach (var change in outcome.Changes) records[change.Record.Key] = change.Record;

        var opened = outcome.Announcements
            .SelectMany(a => a.Slots.Select(s => new SlotOpened(at, new WatchedSlot(a.Office, records[s.Key]), a.BookableAt)))
            .ToList();
        var gone = new List<SlotGone>();
        foreach (var closure in outcome.Closures)
        {
            var key = closure.Record.Key;
            if (!closure.WasAnnounced || !offices.TryGetValue(key.OfficeId, out var office) || !filter.Watches(office, key.Date)) continue;
            gone.Add(new SlotGone(at, new WatchedSlot(office, closure.Record), closure.LastPlaces));
        }

        Prune(now, DateOnly.FromDateTime(RomeTime.ToRome(now)));
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
            var forgotten = record.GoneAt is { } goneAt && now - goneAt > pipeline.Lifecycle.GraceWindow;
            if (forgotten || record.Key.Date < today) records.Remove(record.Key);
        }
    }
}

/// <summary>The tracker's memory between runs.</summary>
public sealed record WatchState(IReadOnlyList<Office> Offices, IReadOnlyList<SlotRecord> Slots)
{
    public static WatchState Empty { get; } = new([], []);
}

namespace PassportBot.Domain.Pipeline;

/// <summary>"Apply one province poll to the known slots": the one rule set behind the server's availability
/// handler and <c>passportbot watch</c>. Pure: the caller loads the known slots and stores the changes.</summary>
/// <remarks>
/// For each slot seen: offered offices announce what is new in this life (<see cref="SlotLifecycle.Offer"/>),
/// the others only record it (<see cref="SlotLifecycle.Observe"/>). Each known open slot the poll covered and did
/// not see counts a miss (<see cref="SlotLifecycle.Miss"/>). A slot of a day that is over in Rome is closed at
/// any poll of its province, seen, covered or not: nobody can book it, and a poll's coverage starts at today, so
/// no miss would ever close it.
/// </remarks>
public sealed class SlotPipeline(SlotLifecycle lifecycle)
{
    public SlotLifecycle Lifecycle { get; } = lifecycle;

    /// <param name="known">Stored slots: at least those of the polled offices and every open slot of the province.</param>
    /// <param name="accepts">Which seen slots to track at all (null: all). A slot not accepted counts as not seen.</param>
    public PollOutcome Apply(ProvincePoll poll, IReadOnlyDictionary<SlotKey, SlotRecord> known, Func<Office, SlotObservation, bool>? accepts = null)
    {
        ArgumentNullException.ThrowIfNull(poll);
        ArgumentNullException.ThrowIfNull(known);
        var at = poll.PolledAt;
        var today = DateOnly.FromDateTime(RomeTime.ToRome(at));
        var changes = new List<SlotOutcome>();
        var announcements = new List<Announcement>();
        var closures = new List<Closure>();
        var seen = new HashSet<SlotKey>();

        foreach (var polled in poll.Offices)
        {
            var office = polled.Seen.Office;
            var fresh = new List<SlotObservation>();
            foreach (var slot in polled.Seen.Slots ?? [])
            {
                // The site has been seen to list a slot twice, or under another office: keep the first, drop the rest.
                if (slot is null || slot.Key.OfficeId != office.Id || slot.Places <= 0 || slot.Key.Date < today) continue;
                if (accepts is not null && !accepts(office, slot)) continue;
                if (!seen.Add(slot.Key)) continue;
                var existing = known.GetValueOrDefault(slot.Key);
                var outcome = polled.Offered
                    ? Lifecycle.Offer(existing, slot, poll.Province, at)
                    : Lifecycle.Observe(existing, slot, poll.Province, at);
                if (outcome.Transition != SlotTransition.None || outcome.Record != existing) changes.Add(outcome);
                if (outcome.Transition == SlotTransition.Announce) fresh.Add(slot);
            }
            if (fresh.Count > 0) announcements.Add(new Announcement(office, fresh, polled.BookableAt));
        }

        var coverage = poll.Coverage ?? [];
        foreach (var record in known.Values)
        {
            if (!record.IsOpen || record.Province != poll.Province || seen.Contains(record.Key)) continue;
            SlotOutcome outcome;
            if (record.Key.Date < today)
            {
                outcome = new SlotOutcome(record with { GoneAt = at, Places = 0 }, SlotTransition.Closed, record.Places != 0);
            }
            else
            {
                if (!coverage.Any(c => c.Covers(record.Key))) continue;
                outcome = Lifecycle.Miss(record, at);
            }
            changes.Add(outcome);
            if (outcome.Transition == SlotTransition.Closed)
                closures.Add(new Closure(outcome.Record, record.Places, record.AnnouncedAt is not null));
        }

        return new PollOutcome(changes, announcements, closures);
    }
}

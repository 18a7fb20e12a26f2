using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Messaging;

namespace PassportBot.Workers;

/// <summary>Turns one province scan into the messages of <c>new_availabilities</c>: INSERT for offices bookable
/// now, INSERT SCHEDULED per opening time for offices bookable within the look-ahead, and one SET INACTIVE with
/// everything seen and what was read completely.</summary>
public static class PollUpdates
{
    public static IReadOnlyList<AvailabilityUpdate> From(ProvinceScan scan, DateTimeOffset now, TimeSpan lookAhead, string pollId)
    {
        var updates = new List<AvailabilityUpdate>();
        var bookable = new List<OfficeAvailability>();
        var soon = new Dictionary<DateTimeOffset, List<OfficeAvailability>>();

        foreach (var office in scan.Offices)
        {
            if (office.Slots.Count == 0) continue;
            var b = BookingRules.Evaluate(office.Office.BookableFrom, now, lookAhead);
            switch (b.State)
            {
                case BookingState.Bookable:
                    bookable.Add(office);
                    break;
                case BookingState.OpensSoon:
                    if (!soon.TryGetValue(b.OpensAt, out var list)) soon[b.OpensAt] = list = [];
                    list.Add(office);
                    break;
            }
        }

        if (bookable.Count > 0)
            updates.Add(new AvailabilityUpdate(scan.Province, AvailabilityOperation.Insert, bookable, scan.PolledAt) { PollId = pollId });

        foreach (var (opensAt, offices) in soon.OrderBy(kv => kv.Key))
        {
            updates.Add(new AvailabilityUpdate(scan.Province, AvailabilityOperation.InsertScheduled, offices, scan.PolledAt)
            {
                PollId = pollId,
                BookableAt = opensAt,
            });
        }

        // Even with nothing seen this matters: it is the evidence that closes slots that are gone.
        updates.Add(new AvailabilityUpdate(scan.Province, AvailabilityOperation.SetInactive, scan.Offices, scan.PolledAt)
        {
            PollId = pollId,
            Coverage = scan.Coverage,
        });
        return updates;
    }
}

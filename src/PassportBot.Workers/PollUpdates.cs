using PassportBot.Agenda;
using PassportBot.Domain.Pipeline;
using PassportBot.Messaging;

namespace PassportBot.Workers;

/// <summary>Turns one province scan into its message on <c>new_availabilities</c>: one SET INACTIVE with everything
/// seen, what was read completely, and which offices may announce (bookable now, or opening within the look-ahead),
/// so the availability handler applies the whole poll in one transaction.</summary>
public static class PollUpdates
{
    public static IReadOnlyList<AvailabilityUpdate> From(ProvinceScan scan, DateTimeOffset now, TimeSpan lookAhead, string pollId)
    {
        var offers = new List<OfficeOffer>();
        foreach (var office in scan.Offices)
        {
            if (office.Slots.Count == 0) continue;
            var polled = PolledOffice.Classify(office, now, lookAhead);
            if (polled.Offered) offers.Add(new OfficeOffer(office.Office.Id, polled.BookableAt));
        }

        // Even with nothing seen this matters: it is the evidence that closes slots that are gone.
        return
        [
            new AvailabilityUpdate(scan.Province, AvailabilityOperation.SetInactive, scan.Offices, scan.PolledAt)
            {
                PollId = pollId,
                Coverage = scan.Coverage,
                Offers = offers,
            },
        ];
    }
}

using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Targets;

namespace PassportBot.Workers;

/// <summary>Notifications for the configured webhook and ntfy targets of a province: one per target per office per
/// poll, for announced slots and for announced slots that are gone.</summary>
public static class TargetFanOut
{
    public static List<OutgoingMessage> Announced(
        NotificationTargets? targets,
        string province,
        IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)> announcements,
        DateTimeOffset? opensAt,
        DateTimeOffset polledAt,
        string? pollId,
        DateTimeOffset now)
    {
        var kind = opensAt is null ? OutgoingKind.New : OutgoingKind.Scheduled;
        return Build(targets, province, kind,
            announcements.Select(a => new OfficeSlots(a.Office, a.Slots.Select(NotifiedSlot.From).ToList())).ToList(),
            opensAt, polledAt, pollId, now);
    }

    /// <summary>Slots that closed in this poll after having been announced, per office, with the places they had
    /// when last seen (the closed record's own places are 0).</summary>
    public static List<OutgoingMessage> Gone(
        NotificationTargets? targets,
        string province,
        IReadOnlyList<OfficeSlots> gone,
        DateTimeOffset polledAt,
        string? pollId,
        DateTimeOffset now) =>
        Build(targets, province, OutgoingKind.Gone, gone, null, polledAt, pollId, now);

    private static List<OutgoingMessage> Build(
        NotificationTargets? targets, string province, OutgoingKind kind, IReadOnlyList<OfficeSlots> offices,
        DateTimeOffset? opensAt, DateTimeOffset polledAt, string? pollId, DateTimeOffset now)
    {
        var recipients = targets?.RecipientsFor(province) ?? [];
        var messages = new List<OutgoingMessage>(recipients.Count * offices.Count);
        foreach (var office in offices)
        {
            foreach (var recipient in recipients)
            {
                messages.Add(new OutgoingMessage(OutgoingMessage.NewId(), recipient, kind)
                {
                    Province = province,
                    Offices = [office],
                    BookableAt = opensAt,
                    PollId = pollId,
                    CreatedAt = now,
                    PolledAt = polledAt,
                });
            }
        }
        return messages;
    }
}

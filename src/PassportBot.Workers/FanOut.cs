using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Builds the per-subscriber notifications for newly announced slots: one per subscriber per office per
/// poll, all the office's new slots in it, in the subscriber's language, in a random subscriber order.</summary>
public static class FanOut
{
    public static List<OutgoingMessage> Build(
        string province,
        IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)> announcements,
        IReadOnlyList<Subscriber> subscribers,
        DateTimeOffset? opensAt,
        DateTimeOffset polledAt,
        string? pollId,
        DateTimeOffset now,
        Random random)
    {
        var messages = new List<OutgoingMessage>(announcements.Count * subscribers.Count);
        if (announcements.Count == 0 || subscribers.Count == 0) return messages;

        var kind = opensAt is null ? OutgoingKind.New : OutgoingKind.Scheduled;
        // Randomised order so the same subscribers are not always served first.
        var order = subscribers.ToArray();
        random.Shuffle(order);
        foreach (var (office, slots) in announcements)
        {
            IReadOnlyList<OfficeSlots> offices = [new OfficeSlots(office, slots.Select(NotifiedSlot.From).ToList())];
            foreach (var s in order)
            {
                messages.Add(new OutgoingMessage(OutgoingMessage.NewId(), Recipient.Telegram(s.ChatId), kind)
                {
                    Language = s.Language,
                    Province = province,
                    Offices = offices,
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

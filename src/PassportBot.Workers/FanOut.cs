using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Builds the per-subscriber messages for newly announced slots: one message per subscriber per
/// office per poll, all the office's new slots in it, in the subscriber's language.</summary>
public static class FanOut
{
    public static List<OutgoingMessage> Build(
        IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)> announcements,
        IReadOnlyList<Subscriber> subscribers,
        DateTimeOffset? opensAt,
        DateTimeOffset polledAt,
        DateTimeOffset now,
        Random random)
    {
        var messages = new List<OutgoingMessage>(announcements.Count * subscribers.Count);
        if (announcements.Count == 0 || subscribers.Count == 0) return messages;

        // Texts differ only by language: format each office once per language, not once per subscriber.
        var italian = new string[announcements.Count];
        var english = new string[announcements.Count];
        for (var i = 0; i < announcements.Count; i++)
        {
            var (office, slots) = announcements[i];
            italian[i] = AvailabilityFormatter.NewSlots(office, slots.ToList(), Language.Italian, opensAt);
            english[i] = AvailabilityFormatter.NewSlots(office, slots.ToList(), Language.English, opensAt);
        }

        // Randomised order so the same subscribers are not always served first.
        var order = subscribers.ToArray();
        random.Shuffle(order);
        for (var i = 0; i < announcements.Count; i++)
        {
            foreach (var s in order)
            {
                var content = s.Language == Language.English ? english[i] : italian[i];
                messages.Add(new OutgoingMessage(OutgoingMessage.NewId(), s.ChatId, content)
                {
                    Kind = OutgoingKind.Availability,
                    CreatedAt = now,
                    PolledAt = polledAt,
                });
            }
        }
        return messages;
    }
}

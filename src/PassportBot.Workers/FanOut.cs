using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Pipeline;
using PassportBot.Messaging;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>What one poll decided to tell the subscribers of a province: the announcements and the slots that
/// closed after being announced. Written with the poll's transaction; expanded into messages per subscriber.</summary>
public sealed record FanOutJob(
    string Province,
    string? PollId,
    DateTimeOffset PolledAt,
    IReadOnlyList<Announcement> Announcements,
    IReadOnlyList<OfficeSlots> Gone)
{
    public bool IsEmpty => Announcements.Count == 0 && Gone.Count == 0;
}

/// <summary>Expands a <see cref="FanOutJob"/> for one subscriber: one notification per office, carrying only the
/// slots that pass the subscriber's filter (none pass: nothing), silent in the subscriber's quiet hours.</summary>
/// <remarks>"Gone" alerts go to subscribers who asked for them (<c>/gone on</c>) and whose current filter accepts the
/// slot as it was last seen: who was told about a slot is not recorded, so the filter stands in for it (it can
/// differ when the subscriber changed the filter after the announcement).</remarks>
public static class FanOut
{
    public static IEnumerable<OutgoingMessage> For(FanOutJob job, FilteredSubscriber subscriber, DateTimeOffset now)
    {
        var filter = subscriber.Filter;
        var today = DateOnly.FromDateTime(RomeTime.ToRome(now));
        var silent = filter.IsQuietAt(now);
        var recipient = Recipient.Telegram(subscriber.ChatId);

        foreach (var announcement in job.Announcements)
        {
            var office = announcement.Office;
            var slots = announcement.Slots
                .Where(s => filter.Accepts(office.Code, s.Key.Date, s.Key.Time, s.Places, today))
                .Select(NotifiedSlot.From)
                .ToList();
            if (slots.Count == 0) continue;
            yield return Message(recipient, announcement.BookableAt is null ? OutgoingKind.New : OutgoingKind.Scheduled,
                new OfficeSlots(office, slots), announcement.BookableAt);
        }

        if (!filter.NotifyGone) yield break;
        foreach (var gone in job.Gone)
        {
            var office = gone.Office;
            var slots = gone.Slots.Where(s => filter.Accepts(office.Code, s.Date, s.Time, s.Places, today)).ToList();
            if (slots.Count == 0) continue;
            yield return Message(recipient, OutgoingKind.Gone, new OfficeSlots(office, slots), null);
        }

        OutgoingMessage Message(Recipient to, OutgoingKind kind, OfficeSlots offices, DateTimeOffset? bookableAt) =>
            new(OutgoingMessage.NewId(), to, kind)
            {
                Language = subscriber.Language,
                Province = job.Province,
                Offices = [offices],
                BookableAt = bookableAt,
                PollId = job.PollId,
                Silent = silent,
                CreatedAt = now,
                PolledAt = job.PolledAt,
            };
    }

    /// <summary>Every subscriber's messages, in a random subscriber order so the same people are not always first.</summary>
    public static List<OutgoingMessage> Build(FanOutJob job, IReadOnlyList<FilteredSubscriber> subscribers, DateTimeOffset now, Random random)
    {
        var order = subscribers.ToArray();
        random.Shuffle(order);
        var messages = new List<OutgoingMessage>(order.Length * Math.Max(1, job.Announcements.Count));
        foreach (var s in order) messages.AddRange(For(job, s, now));
        return messages;
    }
}

using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;

namespace PassportBot.Targets;

/// <summary>Whether a target event announces slots or says they are gone.</summary>
public enum TargetEventKind
{
    New,
    Gone,
}

/// <summary>What a webhook or ntfy target is told: one office's new or gone slots.</summary>
/// <param name="DeliveryId">Unique per notification and the same on every retry, so a receiver can drop duplicates.</param>
/// <param name="BookableAt">When the slots can be booked; null when they can be booked now.</param>
/// <param name="FirstSeen">When the poll that found the slots ran.</param>
public sealed record TargetEvent(
    string DeliveryId,
    TargetEventKind Kind,
    string? Province,
    Office Office,
    IReadOnlyList<NotifiedSlot> Slots,
    DateTimeOffset? BookableAt,
    DateTimeOffset? FirstSeen)
{
    /// <summary>The wire name of the event: <c>slot.new</c> or <c>slot.gone</c>.</summary>
    public string EventName => Kind == TargetEventKind.Gone ? "slot.gone" : "slot.new";

    /// <summary>The events of a queued notification: one per office (a notification normally names one office;
    /// when it names several, each gets its own delivery id derived from the message id).</summary>
    public static IReadOnlyList<TargetEvent> From(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var kind = message.Kind == OutgoingKind.Gone ? TargetEventKind.Gone : TargetEventKind.New;
        var offices = message.WellFormedOffices();
        var events = new List<TargetEvent>(offices.Count);
        for (var i = 0; i < offices.Count; i++)
        {
            var id = offices.Count == 1 ? message.Id : $"{message.Id}-{i + 1}";
            events.Add(new TargetEvent(id, kind, message.Province ?? offices[i].Office.Province, offices[i].Office, offices[i].Slots,
                message.Kind == OutgoingKind.Scheduled ? message.BookableAt : null, message.PolledAt));
        }
        return events;
    }
}

namespace PassportBot.Domain.Notifications;

/// <summary>What a notification is about; each target renders each kind its own way.</summary>
public enum NotificationKind
{
    /// <summary>Slots that can be booked now.</summary>
    New,
    /// <summary>Slots of an office that opens its bookings shortly (at <see cref="Notification.BookableAt"/>).</summary>
    Scheduled,
    /// <summary>Slots the recipient was told about that are no longer offered.</summary>
    Gone,
    /// <summary>The open slots of a province, sent on subscribe.</summary>
    Summary,
    /// <summary>A plain answer to the recipient.</summary>
    Reply,
    /// <summary>An operator alert (plain text).</summary>
    Alert,
}

/// <summary>One slot as a notification carries it: the office is named by the enclosing <see cref="OfficeSlots"/>.</summary>
public sealed record NotifiedSlot(DateOnly Date, TimeOnly Time, int Places)
{
    public static NotifiedSlot From(SlotObservation slot) => new(slot.Key.Date, slot.Key.Time, slot.Places);
}

/// <summary>An office and the slots of it a notification is about.</summary>
public sealed record OfficeSlots(Office Office, IReadOnlyList<NotifiedSlot> Slots);

/// <summary>A made-up office with one slot, for the warm-ups that run the notification code once at start (never sent).</summary>
public static class SampleOfficeSlots
{
    public static OfficeSlots On(DateOnly day) =>
        new(new Office(1, "TOPQ60", "Questura", "Via Roma 1", "Torino", "TO", new TimeOnly(9, 0)), [new NotifiedSlot(day, new TimeOnly(9, 0), 1)]);
}

/// <summary>A notification as facts: rendered for its target (Telegram HTML, plain text, …) only when sent.</summary>
/// <param name="Province">Agenda (Questura) code, for summaries.</param>
/// <param name="Offices">The offices and slots concerned (one office for new/scheduled/gone).</param>
/// <param name="BookableAt">For <see cref="NotificationKind.Scheduled"/>: when the office opens its bookings.</param>
/// <param name="Text">For replies and alerts only: a plain text made by the system, not by a user.</param>
public sealed record Notification(
    NotificationKind Kind,
    Language Language,
    string? Province,
    IReadOnlyList<OfficeSlots> Offices,
    DateTimeOffset? BookableAt = null,
    string? Text = null);

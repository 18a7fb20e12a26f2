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

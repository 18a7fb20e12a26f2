using System.Globalization;
using System.Text.Json.Serialization;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;

namespace PassportBot.Messaging;

// Wire contracts of the three queues. Field names are snake_case on the wire (see MessageJson);
// every message carries "v" so consumers can tell schema versions apart.

public enum SubscriptionOperation
{
    [JsonStringEnumMemberName("INSERT")] Insert,
    [JsonStringEnumMemberName("REMOVE")] Remove,
    [JsonStringEnumMemberName("REMOVE ALL")] RemoveAll,
}

/// <summary>Queue <c>new_user</c>: a chat follows or drops a province.</summary>
/// <param name="Province">Agenda (Questura) code; null for REMOVE ALL.</param>
public sealed record SubscriptionRequest(long ChatId, string? Province, SubscriptionOperation Operation)
{
    [JsonPropertyName("v")] public int Version { get; init; } = 1;
    public Language? Language { get; init; }
}

public enum AvailabilityOperation
{
    [JsonStringEnumMemberName("INSERT")] Insert,
    [JsonStringEnumMemberName("INSERT SCHEDULED")] InsertScheduled,
    [JsonStringEnumMemberName("SET INACTIVE")] SetInactive,
}

/// <summary>Queue <c>new_availabilities</c>: what one poll of one province saw.</summary>
/// <remarks>
/// Version 2: one SET INACTIVE per poll carries everything the poll saw, its <see cref="Coverage"/> (what it read
/// completely, so slots it should have seen but did not can be closed) and <see cref="Offers"/> (which offices'
/// new slots may be announced, now or at their opening time), applied in one transaction.
/// Version 1 split a poll: INSERT (slots of offices bookable now), INSERT SCHEDULED (bookable from
/// <see cref="BookableAt"/>, within minutes) and SET INACTIVE without offers; such messages are still applied.
/// </remarks>
public sealed record AvailabilityUpdate(
    string Province,
    AvailabilityOperation Operation,
    IReadOnlyList<OfficeAvailability> Availability,
    DateTimeOffset PolledAt)
{
    public const int CurrentVersion = 2;

    [JsonPropertyName("v")] public int Version { get; init; } = CurrentVersion;
    /// <summary>Identifies the poll cycle that produced this message (for logs and tracing).</summary>
    public string? PollId { get; init; }
    public DateTimeOffset? BookableAt { get; init; }
    public IReadOnlyList<OfficeCoverage> Coverage { get; init; } = [];
    /// <summary>SET INACTIVE v2: offices whose new slots may be announced (the others are only recorded).</summary>
    public IReadOnlyList<OfficeOffer>? Offers { get; init; }
}

/// <summary>An office whose new slots may be announced: now (<see cref="BookableAt"/> null) or at its opening time.</summary>
public sealed record OfficeOffer(int OfficeId, DateTimeOffset? BookableAt = null);

/// <summary>What a <c>message</c> is. <see cref="Availability"/> exists only in v1 messages (pre-rendered).</summary>
public enum OutgoingKind
{
    Availability,
    Summary,
    Alert,
    Reply,
    New,
    Scheduled,
    Gone,
}

public enum RecipientKind
{
    /// <summary>A Telegram chat; the address is its numeric chat id.</summary>
    Telegram,
    /// <summary>A configured webhook; the address is its name under <c>Notifications:Webhooks</c>.</summary>
    Webhook,
    /// <summary>A configured ntfy topic; the address is its name under <c>Notifications:Ntfy</c>.</summary>
    Ntfy,
    /// <summary>A province's Telegram channel (<c>Telegram:Channels</c>); the address is its chat id (<c>-100…</c>)
    /// or its public <c>@username</c>.</summary>
    TelegramChannel,
}

/// <summary>Where a notification goes: a kind of target and its address there.</summary>
public sealed record Recipient(RecipientKind Kind, string Address)
{
    public static Recipient Telegram(long chatId) => new(RecipientKind.Telegram, chatId.ToString(CultureInfo.InvariantCulture));

    public static Recipient TelegramChannel(string address) => new(RecipientKind.TelegramChannel, address);

    /// <summary>The Telegram chat id, or 0 when this is not a Telegram recipient (or the address is not a number).</summary>
    [JsonIgnore]
    public long ChatId =>
        Kind == RecipientKind.Telegram && long.TryParse(Address, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) ? id : 0;
}

/// <summary>Queue <c>message</c>: one notification to one recipient.</summary>
/// <remarks>
/// Version 2 (<see cref="CurrentVersion"/>) carries facts: recipient, language, kind, the offices and slots,
/// bookable-at, poll id, <see cref="Silent"/>; the dispatcher renders them for the target. Version 1 carried a
/// Telegram chat id and pre-rendered <see cref="Content"/> (HTML); such messages may still sit in a queue
/// across an upgrade and are sent as they are.
/// </remarks>
public sealed record OutgoingMessage
{
    public const int CurrentVersion = 2;

    /// <summary>A v2 notification.</summary>
    [JsonConstructor]
    public OutgoingMessage(string id, Recipient recipient, OutgoingKind kind)
    {
        Id = id;
        Recipient = recipient;
        Kind = kind;
    }

    /// <summary>A v1 message: <paramref name="content"/> is Telegram HTML for <paramref name="chatId"/>.</summary>
    public OutgoingMessage(string id, long chatId, string content)
        : this(id, Recipient.Telegram(chatId), OutgoingKind.Availability)
    {
        Version = 1;
        Content = content;
        ParseMode = "HTML";
    }

    /// <summary>Unique per message; lets consumers and logs tell redeliveries apart.</summary>
    public string Id { get; init; }

    [JsonPropertyName("v")] public int Version { get; init; } = CurrentVersion;

    public Recipient Recipient { get; init; }

    /// <summary>The v1 field naming the chat. Read into <see cref="Recipient"/>; written by v1 messages only.</summary>
    [JsonPropertyName("chat_id")]
    public long? LegacyChatId
    {
        get => Version < CurrentVersion ? Recipient?.ChatId : null;
        init { if (value is { } chat) Recipient = Recipient.Telegram(chat); }
    }

    /// <summary>The Telegram chat this message goes to (0 for other targets).</summary>
    [JsonIgnore] public long ChatId => Recipient?.ChatId ?? 0;

    public OutgoingKind Kind { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>For latency measurement: when the poll response behind this message was parsed.</summary>
    public DateTimeOffset? PolledAt { get; init; }
    /// <summary>W3C trace context of the poll that caused this message, carried through the outbox so its send
    /// joins that poll's trace. Absent when nothing is traced.</summary>
    [JsonPropertyName("traceparent")] public string? TraceParent { get; init; }

    // ---- v2: the facts ----

    public Language? Language { get; init; }

    /// <summary>Agenda (Questura) code of the province concerned.</summary>
    public string? Province { get; init; }

    /// <summary>The offices and their slots (one office for new / scheduled / gone, several for a summary).</summary>
    public IReadOnlyList<OfficeSlots>? Offices { get; init; }

    /// <summary>For scheduled slots: when their office opens its bookings.</summary>
    public DateTimeOffset? BookableAt { get; init; }

    /// <summary>The poll cycle behind this notification (for logs and tracing).</summary>
    public string? PollId { get; init; }

    /// <summary>Deliver without a sound (the recipient's quiet hours): still delivered, never delayed.</summary>
    public bool Silent { get; init; }

    /// <summary>Replies and alerts: a plain text made by the system.</summary>
    public string? Text { get; init; }

    // ---- v1: pre-rendered ----

    /// <summary>v1 only: Telegram HTML (see <see cref="ParseMode"/>).</summary>
    public string? Content { get; init; }

    /// <summary>v1 only: "HTML" or null for plain text.</summary>
    public string? ParseMode { get; init; }

    /// <summary>True for a v1 message that carries its text already rendered.</summary>
    [JsonIgnore] public bool IsPreRendered => Content is not null;

    /// <summary>The facts of a v2 message as a domain notification.</summary>
    /// <exception cref="PoisonMessageException">The facts have holes (an office entry without its office or slots, a
    /// missing slot): no retry can fix that, so the message is dead-lettered at once.</exception>
    public Notification ToNotification() => new(
        Kind switch
        {
            OutgoingKind.Scheduled => NotificationKind.Scheduled,
            OutgoingKind.Gone => NotificationKind.Gone,
            OutgoingKind.Summary => NotificationKind.Summary,
            OutgoingKind.Reply => NotificationKind.Reply,
            OutgoingKind.Alert => NotificationKind.Alert,
            _ => NotificationKind.New,
        },
        Language is { } language && Enum.IsDefined(language) ? language : Domain.Language.Italian,
        Province,
        WellFormedOffices(),
        BookableAt,
        Text);

    /// <summary>The offices, checked: JSON can leave holes the record types do not admit. Missing office texts
    /// become empty (an older producer may not have sent them); a missing office or slot makes the message poison.</summary>
    public IReadOnlyList<OfficeSlots> WellFormedOffices()
    {
        if (Offices is null) return [];
        var offices = new List<OfficeSlots>(Offices.Count);
        for (var i = 0; i < Offices.Count; i++)
        {
            if (Offices[i] is not { Office: { } office, Slots: { } slots } entry || slots.Any(s => s is null))
                throw new PoisonMessageException($"Message {Id}: office entry {i + 1} has no office, no slot list or a missing slot.");
            offices.Add(office.Code is null || office.Name is null || office.Address is null || office.City is null || office.Province is null
                ? entry with { Office = office with { Code = office.Code ?? "", Name = office.Name ?? "", Address = office.Address ?? "", City = office.City ?? "", Province = office.Province ?? "" } }
                : entry);
        }
        return offices;
    }

    /// <summary>A v2 message for a notification.</summary>
    public static OutgoingMessage For(Recipient recipient, Notification notification, DateTimeOffset createdAt) =>
        new(NewId(), recipient, KindOf(notification.Kind))
        {
            Language = notification.Language,
            Province = notification.Province,
            Offices = notification.Offices.Count == 0 ? null : notification.Offices,
            BookableAt = notification.BookableAt,
            Text = notification.Text,
            CreatedAt = createdAt,
        };

    public static OutgoingKind KindOf(NotificationKind kind) => kind switch
    {
        NotificationKind.New => OutgoingKind.New,
        NotificationKind.Scheduled => OutgoingKind.Scheduled,
        NotificationKind.Gone => OutgoingKind.Gone,
        NotificationKind.Summary => OutgoingKind.Summary,
        NotificationKind.Reply => OutgoingKind.Reply,
        NotificationKind.Alert => OutgoingKind.Alert,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}

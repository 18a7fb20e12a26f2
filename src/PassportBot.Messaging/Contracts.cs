using System.Text.Json.Serialization;
using PassportBot.Domain;

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
/// INSERT: slots of offices bookable now (announce what is new). INSERT SCHEDULED: slots of offices
/// bookable from <see cref="BookableAt"/>, within minutes. SET INACTIVE: everything the poll saw, with
/// <see cref="Coverage"/> saying what it read completely, so slots it should have seen but did not can be closed.
/// </remarks>
public sealed record AvailabilityUpdate(
    string Province,
    AvailabilityOperation Operation,
    IReadOnlyList<OfficeAvailability> Availability,
    DateTimeOffset PolledAt)
{
    [JsonPropertyName("v")] public int Version { get; init; } = 1;
    /// <summary>Identifies the poll cycle that produced this message (for logs and tracing).</summary>
    public string? PollId { get; init; }
    public DateTimeOffset? BookableAt { get; init; }
    public IReadOnlyList<OfficeCoverage> Coverage { get; init; } = [];
}

public enum OutgoingKind
{
    Availability,
    Summary,
    Alert,
    Reply,
}

/// <summary>Queue <c>message</c>: one Telegram message to one chat.</summary>
/// <param name="Id">Unique per message; lets consumers and logs tell redeliveries apart.</param>
/// <param name="Content">Telegram HTML (see <see cref="ParseMode"/>).</param>
public sealed record OutgoingMessage(string Id, long ChatId, string Content)
{
    [JsonPropertyName("v")] public int Version { get; init; } = 1;
    public OutgoingKind Kind { get; init; } = OutgoingKind.Availability;
    /// <summary>"HTML" or null for plain text. Always written, so that null survives the round trip.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ParseMode { get; init; } = "HTML";
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>For latency measurement: when the poll response behind this message was parsed.</summary>
    public DateTimeOffset? PolledAt { get; init; }

    public static string NewId() => Guid.CreateVersion7().ToString("N");
}

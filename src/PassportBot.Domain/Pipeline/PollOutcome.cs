namespace PassportBot.Domain.Pipeline;

/// <summary>Slots of one office to announce, as one message per recipient.</summary>
/// <param name="BookableAt">Set when the office opens its bookings shortly (a scheduled announcement).</param>
public sealed record Announcement(Office Office, IReadOnlyList<SlotObservation> Slots, DateTimeOffset? BookableAt);

/// <summary>A slot closed by this poll.</summary>
/// <param name="LastPlaces">Its places when last seen open.</param>
/// <param name="WasAnnounced">Subscribers were told about it in this life ("gone" alerts only make sense then).</param>
public sealed record Closure(SlotRecord Record, int LastPlaces, bool WasAnnounced);

/// <summary>The result of applying one poll: every changed slot (to store), what to announce, what closed.</summary>
public sealed record PollOutcome(
    IReadOnlyList<SlotOutcome> Changes,
    IReadOnlyList<Announcement> Announcements,
    IReadOnlyList<Closure> Closures);

namespace PassportBot.Messaging.InMemory;

/// <summary>A queued message as the broker would hold it: serialised bytes, how often it has failed, the W3C
/// traceparent of its publisher (the in-process counterpart of the broker's header) and, on a journaled bus,
/// its journal id and the deliveries that ended without being settled. <paramref name="DeliveryCountedAhead"/>: the
/// journal already counts the coming delivery (a message is journaled with its first delivery counted, which saves a
/// write before every first delivery).</summary>
internal sealed record InMemoryEnvelope(byte[] Body, int FailedAttempts, string? TraceParent = null, long? JournalId = null, int Deliveries = 0,
    bool DeliveryCountedAhead = false);

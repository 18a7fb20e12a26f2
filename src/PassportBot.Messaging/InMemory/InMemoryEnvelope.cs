namespace PassportBot.Messaging.InMemory;

/// <summary>A queued message as the broker would hold it: serialised bytes, how often it has failed, and the
/// W3C traceparent of its publisher (the in-process counterpart of the broker's header).</summary>
internal sealed record InMemoryEnvelope(byte[] Body, int FailedAttempts, string? TraceParent = null);

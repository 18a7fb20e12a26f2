namespace PassportBot.Messaging.InMemory;

/// <summary>A queued message as the broker would hold it: serialised bytes and how often it has failed.</summary>
internal sealed record InMemoryEnvelope(byte[] Body, int FailedAttempts);

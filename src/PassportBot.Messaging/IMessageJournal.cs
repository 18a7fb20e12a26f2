namespace PassportBot.Messaging;

/// <summary>A message as the journal holds it: its queue, body, how often its handler failed, how often it was
/// handed to a handler, when it may next be delivered and, for a dead letter, why and when it died.</summary>
public sealed record JournaledMessage(
    long Id,
    string Queue,
    string Body,
    int FailedAttempts,
    int Deliveries,
    DateTimeOffset AvailableAt,
    string? DeadReason,
    DateTimeOffset? DeadAt);

/// <summary>
/// Durable storage behind the in-process bus: every message is written here before a publish returns and removed
/// only when its handler finished, so a process that crashes finds its queued messages again at the next start.
/// One process owns a journal (the embedded mode runs every role in one process).
/// </summary>
public interface IMessageJournal
{
    /// <summary>Every journaled message, oldest first (queued, waiting for a retry, or dead).</summary>
    Task<IReadOnlyList<JournaledMessage>> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Writes the messages in one transaction, each with its first delivery already counted (so the first
    /// delivery, the one on the path to the user, needs no write of its own; a message never delivered before a crash
    /// counts one delivery more than it had); returns their ids in order.</summary>
    Task<IReadOnlyList<long>> AppendAsync(string queue, IReadOnlyList<string> bodies, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Counts one more delivery before the handler runs (every delivery after the first), so a message that
    /// crashes the process every time it is handled is recognised after a restart.</summary>
    Task MarkDeliveredAsync(long id, CancellationToken cancellationToken);

    /// <summary>The message failed and waits until <paramref name="availableAt"/>.</summary>
    Task DelayAsync(long id, int failedAttempts, DateTimeOffset availableAt, CancellationToken cancellationToken);

    Task DeadLetterAsync(long id, int failedAttempts, string reason, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>A dead letter back in its queue with a fresh count.</summary>
    Task ReviveAsync(long id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes handled (or dropped) messages.</summary>
    Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);
}

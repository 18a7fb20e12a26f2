namespace PassportBot.Storage;

/// <summary>Ids of outgoing messages already sent, so that a copy delivered again (an outbox batch republished
/// after a crash, a broker redelivery) is recognised and not sent twice.</summary>
public interface ISentMessageStore
{
    Task<bool> WasSentAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>Records a sent message; recording the same id twice is not an error.</summary>
    Task RecordSentAsync(string messageId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Forgets ids recorded before <paramref name="before"/>, at most <paramref name="max"/>; returns how many.</summary>
    Task<int> PruneAsync(DateTimeOffset before, int max, CancellationToken cancellationToken);
}

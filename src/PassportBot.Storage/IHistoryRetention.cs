namespace PassportBot.Storage;

/// <summary>Deletes old history: places points older than the cut-off, and slots closed before it whose day is
/// before it too (such a slot can never be seen again, so forgetting it cannot announce it twice).</summary>
public interface IHistoryRetention
{
    /// <summary>Deletes at most <paramref name="batchSize"/> rows per table; returns how many rows went (0: nothing
    /// older is left).</summary>
    Task<int> PruneBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}

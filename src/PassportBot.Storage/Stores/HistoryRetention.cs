using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class HistoryRetention(StorageDatabase database) : IHistoryRetention
{
    public async Task<int> PruneBatchAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var dialect = database.Dialect;
        var parameters = new
        {
            cutoff = DbValues.ToUnixMs(cutoff),
            day = DbValues.ToDb(DateOnly.FromDateTime(cutoff.UtcDateTime)),
            batch = batchSize,
        };
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var places = await connection.ExecuteAsync(new CommandDefinition(
            dialect.DeleteBatch("slot_places", "at < @cutoff"), parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var slots = await connection.ExecuteAsync(new CommandDefinition(
            dialect.DeleteBatch("slots", $"gone_at IS NOT NULL AND gone_at < @cutoff AND {dialect.Quote("date")} < @day"),
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return places + slots;
    }
}

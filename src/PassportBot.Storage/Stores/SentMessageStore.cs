using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>Checks and records are grouped (<see cref="GroupCommit{TItem, TResult}"/>): the dispatcher asks for every
/// message it sends, and one statement for all the concurrent ones keeps a fan-out from costing two database round
/// trips (and a commit) per message.</summary>
internal sealed class SentMessageStore : ISentMessageStore
{
    /// <summary>Ids per statement: far below every provider's parameter limit.</summary>
    internal const int MaxBatch = 500;

    private readonly StorageDatabase _database;
    private readonly GroupCommit<string, bool> _checks;
    private readonly GroupCommit<(string Id, long At), bool> _records;
    private readonly IRowInserter _inserter;

    public SentMessageStore(StorageDatabase database)
    {
        _database = database;
        _inserter = database.Dialect.CreateInserter("sent_messages",
            [new("message_id", System.Data.DbType.String), new("sent_at", System.Data.DbType.Int64)], Conflict.Ignore("message_id"));
        _checks = new GroupCommit<string, bool>(CheckAsync, MaxBatch);
        _records = GroupCommit.Writes<(string Id, long At)>(RecordAsync, MaxBatch);
    }

    private SqlDialect Dialect => _database.Dialect;

    /// <summary>Batches run so far for checks and records, one statement or transaction each (for tests).</summary>
    internal int Statements => _checks.Flushes + _records.Flushes;

    public Task<bool> WasSentAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return _checks.RunAsync(messageId, cancellationToken);
    }

    public Task RecordSentAsync(string messageId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        return _records.RunAsync((messageId, DbValues.ToUnixMs(at)), cancellationToken);
    }

    private async Task<IReadOnlyList<bool>> CheckAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sent = (await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT message_id FROM sent_messages WHERE {Dialect.InList("message_id", "@ids")}",
            new { ids = ids.Distinct(StringComparer.Ordinal).ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        return ids.Select(sent.Contains).ToList();
    }

    private async Task RecordAsync(IReadOnlyList<(string Id, long At)> records, CancellationToken cancellationToken)
    {
        var rows = records.DistinctBy(r => r.Id, StringComparer.Ordinal).ToList();
        // One transaction: on SQLite the inserter runs a prepared statement per row.
        await _database.WriteAsync((connection, transaction) => _inserter.ExecuteAsync(
            connection, transaction, rows.Select(r => new object?[] { r.Id, r.At }).ToList(), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // Select, then delete by id: MySQL allows neither LIMIT in an IN sub-query nor PostgreSQL's DELETE ... LIMIT.
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT message_id FROM sent_messages WHERE sent_at < @before ORDER BY sent_at LIMIT @max",
            new { before = DbValues.ToUnixMs(before), max }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        if (ids.Count == 0) return 0;
        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM sent_messages WHERE {Dialect.InList("message_id", "@ids")}", new { ids = ids.ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}

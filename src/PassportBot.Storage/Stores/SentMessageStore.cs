using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class SentMessageStore(StorageDatabase database) : ISentMessageStore
{
    private SqlDialect Dialect => database.Dialect;

    public async Task<bool> WasSentAsync(string messageId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sent_messages WHERE message_id = @messageId", new { messageId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    public async Task RecordSentAsync(string messageId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var conflict = Conflict.Ignore("message_id");
        var sql = Dialect.InsertHead("sent_messages", ["message_id", "sent_at"], conflict) + "(@messageId, @at)" + Dialect.ConflictTail(conflict);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { messageId, at = DbValues.ToUnixMs(at) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<int> PruneAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // Select, then delete by id: MySQL allows neither LIMIT in an IN sub-query nor PostgreSQL's DELETE ... LIMIT.
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT message_id FROM sent_messages WHERE sent_at < @before ORDER BY sent_at LIMIT @max",
            new { before = DbValues.ToUnixMs(before), max }, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        if (ids.Count == 0) return 0;
        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM sent_messages WHERE {Dialect.InList("message_id", "@ids")}", new { ids = ids.ToArray() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}

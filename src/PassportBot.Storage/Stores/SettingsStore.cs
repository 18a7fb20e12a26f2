using System.Data;
using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class SettingsStore(StorageDatabase database) : ISettingsStore
{
    private readonly IRowInserter _upsert = database.Dialect.CreateInserter("settings",
        [new("key", DbType.String), new("value", DbType.String), new("updated_at", DbType.Int64)],
        Conflict.Update(["key"], "value", "updated_at"));

    public async Task<(string Value, DateTimeOffset UpdatedAt)?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Value, long UpdatedAt)>(new CommandDefinition(
            $"SELECT value, updated_at FROM settings WHERE {database.Dialect.Quote("key")} = @key",
            new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (var row in rows) return (row.Value, DbValues.FromUnixMs(row.UpdatedAt));
        return null;
    }

    public async Task SetAsync(string key, string value, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await _upsert.ExecuteAsync(connection, null, [[key, value, DbValues.ToUnixMs(at)]], cancellationToken).ConfigureAwait(false);
    }
}

using System.Data;
using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>Acquire = make sure the row exists, then one conditional UPDATE: the database's row lock decides
/// between racing owners (the loser's WHERE no longer matches once the winner's update is visible).</summary>
internal sealed class LeaseStore(StorageDatabase database, TimeProvider timeProvider) : ILeaseStore
{
    private readonly IRowInserter _ensure = database.Dialect.CreateInserter("leases",
        [new("name", DbType.String), new("owner", DbType.String), new("expires_at", DbType.Int64)],
        Conflict.Ignore("name"));

    public async Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        // A free lease: nobody's, expired since the epoch.
        await _ensure.ExecuteAsync(connection, null, [[name, "", 0L]], cancellationToken).ConfigureAwait(false);
        // MySqlConnector reports matched (not changed) rows by default, so a same-millisecond renewal counts too.
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE leases SET owner = @owner, expires_at = @until WHERE name = @name AND (owner = @owner OR expires_at <= @now)",
            new { name, owner, now = DbValues.ToUnixMs(now), until = DbValues.ToUnixMs(now + ttl) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return taken == 1;
    }

    public async Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE leases SET owner = '', expires_at = 0 WHERE name = @name AND owner = @owner",
            new { name, owner }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}

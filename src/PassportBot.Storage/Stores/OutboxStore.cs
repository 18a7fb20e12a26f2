using System.Data.Common;
using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>Claims are leases: a claimed row stays invisible to other owners until claimed_until passes,
/// so entries of a crashed relay come back. An owner may re-claim its own rows (a restarted relay).</summary>
internal sealed class OutboxStore(StorageDatabase database, TimeProvider timeProvider) : IOutboxStore
{
    private const string Claimable = "(claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @owner)";

    private SqlDialect Dialect => database.Dialect;

    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        var parameters = new { owner, max, now = DbValues.ToUnixMs(now), until = DbValues.ToUnixMs(now + lease) };

        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var rows = Dialect.SupportsUpdateReturning
            ? await ClaimWithUpdateReturningAsync(connection, parameters, cancellationToken).ConfigureAwait(false)
            : await ClaimWithSelectThenUpdateAsync(connection, parameters, cancellationToken).ConfigureAwait(false);
        return rows.OrderBy(r => r.Id).Select(r => new OutboxEntry(r.Id, r.Queue, r.Payload, DbValues.FromUnixMs(r.CreatedAt))).ToList();
    }

    /// <summary>SQLite (one writer at a time) and PostgreSQL (SKIP LOCKED in the sub-select): one atomic statement.</summary>
    private async Task<IEnumerable<OutboxRow>> ClaimWithUpdateReturningAsync(DbConnection connection, object parameters, CancellationToken cancellationToken) =>
        await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"""
            UPDATE outbox SET claimed_by = @owner, claimed_until = @until
            WHERE id IN (SELECT id FROM outbox WHERE {Claimable} ORDER BY id LIMIT @max{Dialect.ForUpdateSkipLocked})
            RETURNING {OutboxRow.Columns}
            """,
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);

    /// <summary>MariaDB/MySQL have no UPDATE ... RETURNING: lock the rows with SKIP LOCKED, then mark them.</summary>
    private async Task<IEnumerable<OutboxRow>> ClaimWithSelectThenUpdateAsync(DbConnection connection, object parameters, CancellationToken cancellationToken)
    {
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<OutboxRow>(new CommandDefinition(
            $"SELECT {OutboxRow.Columns} FROM outbox WHERE {Claimable} ORDER BY id LIMIT @max{Dialect.ForUpdateSkipLocked}",
            parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        if (rows.Count > 0)
        {
            var claim = new DynamicParameters(parameters);
            claim.Add("ids", rows.Select(r => r.Id).ToArray());
            await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE outbox SET claimed_by = @owner, claimed_until = @until WHERE {Dialect.InList("id", "@ids")}",
                claim, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    public async Task DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return;
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Chunk(1_000))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM outbox WHERE {Dialect.InList("id", "@ids")}", new { ids = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM outbox", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class OutboxRow
    {
        public const string Columns = "id AS Id, queue AS Queue, payload AS Payload, created_at AS CreatedAt";

        public long Id { get; set; }
        public string Queue { get; set; } = "";
        public string Payload { get; set; } = "";
        public long CreatedAt { get; set; }
    }
}

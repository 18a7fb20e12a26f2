using System.Data.Common;
using Dapper;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>Claims are leases on one row, taken with a conditional UPDATE (the row lock decides between racing
/// expanders); every chunk re-checks and renews the lease in the transaction that writes it, so an expander that
/// lost its job never writes another chunk of it.</summary>
internal sealed class FanOutJobStore(StorageDatabase database, SlotWriter writer, TimeProvider timeProvider) : IFanOutJobStore
{
    private const string Claimable = "(claimed_until IS NULL OR claimed_until <= @now OR claimed_by = @owner)";
    private const int Candidates = 8;

    private SqlDialect Dialect => database.Dialect;

    public async Task<FanOutJobEntry?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var now = timeProvider.GetUtcNow();
        var parameters = new { owner, now = DbValues.ToUnixMs(now), until = DbValues.ToUnixMs(now + lease), max = Candidates };
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT id FROM fanout_jobs WHERE {Claimable} ORDER BY created_at, id LIMIT @max",
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)).AsList();
        foreach (var id in ids)
        {
            // Another expander may have taken it since the SELECT: the WHERE decides, under the row lock.
            var claim = new DynamicParameters(parameters);
            claim.Add("id", id);
            var taken = await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE fanout_jobs SET claimed_by = @owner, claimed_until = @until WHERE id = @id AND {Claimable}",
                claim, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (taken != 1) continue;
            var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
                $"SELECT {JobRow.Columns} FROM fanout_jobs WHERE id = @id", new { id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (row is null) continue;
            return new FanOutJobEntry(row.Id, row.Province, row.Payload, DbValues.FromUnixMs(row.CreatedAt),
                row.CursorKey is { } key && row.CursorChat is { } chat ? new FanOutCursor(key, chat) : null);
        }
        return null;
    }

    public async Task<bool> SaveChunkAsync(string id, string owner, TimeSpan lease, string queue, IReadOnlyCollection<string> payloads, FanOutCursor? next, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var now = timeProvider.GetUtcNow();
        await using var connection = await database.OpenForBulkWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        // First, so the row stays locked until commit: a rival claim waits and then finds the lease renewed.
        var held = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE fanout_jobs SET claimed_until = @until, cursor_key = @key, cursor_chat = @chat WHERE id = @id AND claimed_by = @owner",
            new { id, owner, until = DbValues.ToUnixMs(now + lease), key = next?.OrderKey, chat = next?.ChatId },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (held != 1)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }
        await writer.EnqueueAsync(connection, transaction, queue, payloads, DbValues.ToUnixMs(now), cancellationToken).ConfigureAwait(false);
        if (next is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM fanout_jobs WHERE id = @id", new { id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE fanout_jobs SET claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by = @owner",
            new { id, owner }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM fanout_jobs", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class JobRow
    {
        public const string Columns =
            "id AS Id, province AS Province, payload AS Payload, created_at AS CreatedAt, cursor_key AS CursorKey, cursor_chat AS CursorChat";

        public string Id { get; set; } = "";
        public string Province { get; set; } = "";
        public string Payload { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? CursorKey { get; set; }
        public long? CursorChat { get; set; }
    }
}

using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Schema;

/// <summary>Applies every migration not yet recorded in schema_version, in version order (a version added
/// beside a newer one that is already applied is still applied). Safe when several processes start at once:
/// a provider lock serialises them and each step re-reads whether its version is recorded.</summary>
internal sealed class StorageMigrator(StorageDatabase database, TimeProvider timeProvider, ILogger<StorageMigrator> logger) : IStorageMigrator
{
    private SqlDialect Dialect => database.Dialect;

    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateAsync(Migrations.All, cancellationToken);

    /// <summary>Applies the given migrations only (tests build older schema versions with it).</summary>
    internal async Task MigrateAsync(IEnumerable<Migration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var migrationLock = await Dialect.AcquireMigrationLockAsync(connection, cancellationToken).ConfigureAwait(false);

        foreach (var statement in Dialect.CreateTable(Migrations.VersionTableSpec))
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var migration in migrations.OrderBy(m => m.Version))
        {
            await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SQLite and PostgreSQL run a version in one transaction, DDL included. MySQL commits each DDL
    /// statement implicitly, so there the steps' idempotency is what makes a retried version converge.</summary>
    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await IsRecordedAsync(connection, transaction, migration.Version, cancellationToken).ConfigureAwait(false)) return;

        logger.LogInformation("Storage ({Provider}): applying schema version {Version}: {Description}", Dialect.Name, migration.Version, migration.Description);
        foreach (var step in migration.Steps(Dialect))
        {
            var sql = step switch
            {
                SqlStep s => s.Sql,
                AddColumnStep a => await ColumnExistsAsync(connection, transaction, a.Table, a.Column.Name, cancellationToken).ConfigureAwait(false)
                    ? null
                    : Dialect.AddColumn(a.Table, a.Column),
                _ => throw new InvalidOperationException($"Unknown schema step {step.GetType().Name}."),
            };
            if (sql is null) continue;
            await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {Migrations.VersionTable} (version, description, applied_at) VALUES (@version, @description, @at)",
            new { version = migration.Version, description = migration.Description, at = DbValues.ToUnixMs(timeProvider.GetUtcNow()) },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<bool> IsRecordedAsync(DbConnection connection, DbTransaction transaction, int version, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM {Migrations.VersionTable} WHERE version = @version",
            new { version }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;

    private async Task<bool> ColumnExistsAsync(DbConnection connection, DbTransaction transaction, string table, string column, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Dialect.ColumnExistsSql, new { table, column }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or IOException)
        {
            logger.LogWarning("Storage ({Provider}) ping failed: {Error}", Dialect.Name, ex.Message);
            return false;
        }
    }
}

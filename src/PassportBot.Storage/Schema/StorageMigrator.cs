using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Schema;

/// <summary>Applies pending migrations in order, each recorded in schema_version. Safe when several
/// processes start at once: a provider lock serialises them and each step re-reads the version.</summary>
internal sealed class StorageMigrator(StorageDatabase database, TimeProvider timeProvider, ILogger<StorageMigrator> logger) : IStorageMigrator
{
    private SqlDialect Dialect => database.Dialect;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var migrationLock = await Dialect.AcquireMigrationLockAsync(connection, cancellationToken).ConfigureAwait(false);

        foreach (var statement in Dialect.CreateTable(Migrations.VersionTableSpec))
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var migration in Migrations.All)
        {
            await ApplyAsync(connection, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(DbConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        if (await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false) >= migration.Version) return;

        logger.LogInformation("Storage ({Provider}): applying schema version {Version}: {Description}", Dialect.Name, migration.Version, migration.Description);
        foreach (var statement in migration.Statements(Dialect))
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO {Migrations.VersionTable} (version, description, applied_at) VALUES (@version, @description, @at)",
            new { version = migration.Version, description = migration.Description, at = DbValues.ToUnixMs(timeProvider.GetUtcNow()) },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COALESCE(MAX(version), 0) FROM {Migrations.VersionTable}", transaction: transaction, cancellationToken: cancellationToken));

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

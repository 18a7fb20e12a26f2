using System.Data.Common;
using MySqlConnector;
using PassportBot.Storage.Schema;

namespace PassportBot.Storage.Sql;

/// <summary>MariaDB (10.6+) and MySQL (8.0+) through MySqlConnector.</summary>
internal sealed class MySqlDialect(string connectionString, string name) : SqlDialect(Normalize(connectionString))
{
    private const string MigrationLockName = "passportbot.migrate";

    public override string Name => name;

    public override int MaxParameters => 65_535;

    public override bool SupportsUpdateReturning => false;

    public override DbConnection CreateConnection() => new MySqlConnection(ConnectionString);

    /// <summary>Affected-row counts must mean "rows matched" (the lease renewal relies on it), whatever the
    /// configured connection string says.</summary>
    private static string Normalize(string connectionString) =>
        new MySqlConnectionStringBuilder(connectionString) { UseAffectedRows = false }.ConnectionString;

    public override string Quote(string identifier) => $"`{identifier}`";

    public override string DeleteBatch(string table, string where) => $"DELETE FROM {table} WHERE {where} LIMIT @batch";

    public override string TypeName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "BIGINT",
        ColumnType.Int => "INT",
        ColumnType.Double => "DOUBLE",
        ColumnType.ShortText => "VARCHAR(190)",
        ColumnType.LongText => "LONGTEXT",
        ColumnType.Identity => "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>MySQL has no ADD COLUMN IF NOT EXISTS (MariaDB has): the migrator asks information_schema first.</summary>
    public override string ColumnExistsSql =>
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = @table AND column_name = @column";

    /// <summary>MySQL has no CREATE INDEX IF NOT EXISTS: indexes are declared inside CREATE TABLE IF NOT EXISTS.
    /// Binary collation keeps keys case-sensitive, as on SQLite and PostgreSQL.</summary>
    public override IEnumerable<string> CreateTable(TableSpec table)
    {
        var indexes = string.Concat(table.Indexes.Select(i => $", INDEX {i.Name} ({string.Join(", ", i.Columns.Select(Quote))})"));
        yield return $"CREATE TABLE IF NOT EXISTS {table.Name} ({ColumnsAndKey(table)}{indexes}) " +
                     "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
    }

    /// <summary>INSERT IGNORE reports 0 affected rows for a duplicate; ON DUPLICATE KEY UPDATE k = k would
    /// report 1 under MySqlConnector's found-rows mode and hide whether the row was new.</summary>
    public override string InsertHead(string table, IReadOnlyList<string> columns, Conflict conflict) =>
        conflict.Kind == ConflictKind.Ignore
            ? $"INSERT IGNORE INTO {table} ({string.Join(", ", columns.Select(Quote))}) VALUES "
            : base.InsertHead(table, columns, conflict);

    public override string ConflictTail(Conflict conflict) => conflict.Kind switch
    {
        ConflictKind.Fail or ConflictKind.Ignore => "",
        ConflictKind.Update => " ON DUPLICATE KEY UPDATE " + string.Join(", ", conflict.Updates.Select(c => $"{Quote(c)} = VALUES({Quote(c)})")),
        _ => throw new ArgumentOutOfRangeException(nameof(conflict)),
    };

    public override async Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT GET_LOCK(@name, 120)";
            command.Parameters.Add(new MySqlParameter("@name", MigrationLockName));
            var got = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (Convert.ToInt64(got, System.Globalization.CultureInfo.InvariantCulture) != 1)
            {
                throw new TimeoutException("Another process has been migrating the storage schema for over 120 s.");
            }
        }
        return new Release(connection);
    }

    private sealed class Release(DbConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT RELEASE_LOCK(@name)";
            command.Parameters.Add(new MySqlParameter("@name", MigrationLockName));
            await command.ExecuteScalarAsync().ConfigureAwait(false);
        }
    }
}

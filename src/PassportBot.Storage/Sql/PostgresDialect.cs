using System.Data.Common;
using Npgsql;
using PassportBot.Storage.Schema;

namespace PassportBot.Storage.Sql;

/// <summary>PostgreSQL (13+) through Npgsql.</summary>
internal sealed class PostgresDialect(string connectionString) : SqlDialect(connectionString)
{
    // An arbitrary constant shared by every PassportBot process: the advisory lock key for migrations.
    private const long MigrationLockKey = 0x5041_5353_504F_5254;

    public override string Name => "postgres";

    public override int MaxParameters => 65_535;

    public override DbConnection CreateConnection() => new NpgsqlConnection(ConnectionString);

    public override IRowInserter CreateInserter(string table, IReadOnlyList<ColumnBinding> columns, Conflict conflict) =>
        conflict.Kind == ConflictKind.Fail ? new PostgresCopyInsert(table, columns) : base.CreateInserter(table, columns, conflict);

    /// <summary>Dapper hands Npgsql the list as one array parameter rather than expanding it.</summary>
    public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string DeleteBatch(string table, string where) =>
        $"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE {where} LIMIT @batch)";

    public override string TypeName(ColumnType type) => type switch
    {
        ColumnType.BigInt => "BIGINT",
        ColumnType.Int => "INTEGER",
        ColumnType.Double => "DOUBLE PRECISION",
        ColumnType.ShortText or ColumnType.LongText => "TEXT",
        ColumnType.Identity => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public override async Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", (NpgsqlConnection)connection))
        {
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return new Release((NpgsqlConnection)connection);
    }

    private sealed class Release(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}

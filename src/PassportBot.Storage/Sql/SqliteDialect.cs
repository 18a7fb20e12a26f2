using System.Data.Common;
using Microsoft.Data.Sqlite;
using PassportBot.Storage.Schema;

namespace PassportBot.Storage.Sql;

/// <summary>SQLite: one writer at a time, so a write transaction (BEGIN IMMEDIATE) is the lock.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int BusyTimeoutMs = 30_000;

    public SqliteDialect(string connectionString) : base(connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        IsInMemory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
        // Only where SQLite itself would create the file: Mode=ReadWrite or ReadOnly must keep failing on a missing database.
        if (!IsInMemory && builder.Mode == SqliteOpenMode.ReadWriteCreate && !builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            CreatePrivately(Path.GetFullPath(builder.DataSource));
    }

    /// <summary>The database holds chat ids and the agenda session pasted with /cookie: a new folder is created 0700 and a
    /// new file 0600 (SQLite gives its -wal and -shm files the database file's mode). Existing ones are left as they are.</summary>
    private static void CreatePrivately(string file)
    {
        var folder = Path.GetDirectoryName(file);
        if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) { Directory.CreateDirectory(folder); return; }
            // One level at a time: the mode given to CreateDirectory applies to the last folder only.
            var missing = new Stack<string>();
            for (var f = folder; !string.IsNullOrEmpty(f) && !Directory.Exists(f); f = Path.GetDirectoryName(f)) missing.Push(f);
            while (missing.TryPop(out var level)) Directory.CreateDirectory(level, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        if (OperatingSystem.IsWindows() || File.Exists(file)) return;
        try
        {
            // An empty file is an empty database to SQLite.
            using var _ = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process created it meanwhile.
        }
    }

    private bool IsInMemory { get; }

    public override string Name => "sqlite";

    public override int MaxParameters => 32_766;

    public override bool WriteTransactionLocksDatabase => true;

    public override string ForUpdateSkipLocked => "";

    public override DbConnection CreateConnection() => new SqliteConnection(ConnectionString);

    public override IRowInserter CreateInserter(string table, IReadOnlyList<ColumnBinding> columns, Conflict conflict) =>
        new PreparedRowInsert(this, table, columns, conflict);

    public override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes in WAL mode.
        command.CommandText = IsInMemory
            ? $"PRAGMA busy_timeout = {BusyTimeoutMs};"
            : $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // BEGIN IMMEDIATE takes the write lock now, not at the first write, so a read-then-write transaction never
        // fails half-way with SQLITE_BUSY. It waits for the lock inside SQLite's busy handler, a blocking call: run
        // it off the caller's thread so the caller stays asynchronous.
        Task.Run<DbTransaction>(() => ((SqliteConnection)connection).BeginTransaction(deferred: false), cancellationToken);

    /// <summary>Each migration runs in a BEGIN IMMEDIATE transaction that re-reads the version: that is the lock.</summary>
    public override Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoLock.Instance);

    public override string ColumnExistsSql => "SELECT COUNT(*) FROM pragma_table_info(@table) WHERE name = @column";

    public override string DeleteBatch(string table, string where) =>
        $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {where} LIMIT @batch)";

    public override string TypeName(ColumnType type) => type switch
    {
        ColumnType.BigInt or ColumnType.Int => "INTEGER",
        ColumnType.Double => "REAL",
        ColumnType.ShortText or ColumnType.LongText => "TEXT",
        ColumnType.Identity => "INTEGER PRIMARY KEY AUTOINCREMENT",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private sealed class NoLock : IAsyncDisposable
    {
        public static readonly NoLock Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using System.Data.Common;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace PassportBot.Testing.Storage;

/// <summary>Throw-away databases for tests, one per call: a SQLite file in a temp folder, or a fresh
/// <c>pb_&lt;random&gt;</c> database on the MariaDB / PostgreSQL servers started by <c>scripts/services.sh</c>
/// (connection strings from PASSPORTBOT_TEST_MARIADB / PASSPORTBOT_TEST_POSTGRES). A missing variable or an
/// unreachable server throws with instructions: tests fail, they are never skipped.</summary>
public static class TestDatabases
{
    public const string MariaDbVariable = "PASSPORTBOT_TEST_MARIADB";
    public const string PostgresVariable = "PASSPORTBOT_TEST_POSTGRES";

    /// <summary>The providers <see cref="CreateAsync"/> accepts ("mysql" is served by the MariaDB server).</summary>
    public static IReadOnlyList<string> Providers { get; } = ["sqlite", "mariadb", "mysql", "postgres"];

    /// <summary>Creates an empty database; <c>Drop</c> deletes it (and clears the provider's connection pools).</summary>
    public static Task<(string ConnectionString, IAsyncDisposable Drop)> CreateAsync(string provider, CancellationToken cancellationToken = default) =>
        provider.Trim().ToLowerInvariant() switch
        {
            "sqlite" => Task.FromResult(CreateSqlite()),
            "mariadb" or "mysql" => CreateMariaDbAsync(cancellationToken),
            "postgres" => CreatePostgresAsync(cancellationToken),
            _ => throw new ArgumentException($"Unknown provider '{provider}'; expected one of: {string.Join(", ", Providers)}.", nameof(provider)),
        };

    /// <summary>An unopened connection of the provider, for assertions that need raw SQL.</summary>
    public static DbConnection CreateConnection(string provider, string connectionString) => provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" => new SqliteConnection(connectionString),
        "mariadb" or "mysql" => new MySqlConnection(connectionString),
        "postgres" => new NpgsqlConnection(connectionString),
        _ => throw new ArgumentException($"Unknown provider '{provider}'; expected one of: {string.Join(", ", Providers)}.", nameof(provider)),
    };

    private static string NewDatabaseName() => "pb_" + Guid.NewGuid().ToString("N");

    private static (string, IAsyncDisposable) CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "passportbot-tests", NewDatabaseName());
        Directory.CreateDirectory(folder);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "passportbot.db") }.ToString();
        return (connectionString, new Dropper(() =>
        {
            // Pooled connections keep the file open; release them before deleting.
            using (var pooled = new SqliteConnection(connectionString)) SqliteConnection.ClearPool(pooled);
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A handle still open elsewhere in the process: the temp folder is reclaimed by the OS later.
            }
            return Task.CompletedTask;
        }));
    }

    private static async Task<(string, IAsyncDisposable)> CreateMariaDbAsync(CancellationToken cancellationToken)
    {
        var server = new MySqlConnectionStringBuilder(RequireVariable(MariaDbVariable)) { Database = "" };
        var name = NewDatabaseName();
        await ExecuteAsync(new MySqlConnection(server.ConnectionString), $"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin", MariaDbVariable, cancellationToken);
        var database = new MySqlConnectionStringBuilder(server.ConnectionString) { Database = name };
        return (database.ConnectionString, new Dropper(async () =>
        {
            MySqlConnection.ClearPool(new MySqlConnection(database.ConnectionString));
            await ExecuteAsync(new MySqlConnection(server.ConnectionString), $"DROP DATABASE IF EXISTS {name}", MariaDbVariable, CancellationToken.None);
        }));
    }

    private static async Task<(string, IAsyncDisposable)> CreatePostgresAsync(CancellationToken cancellationToken)
    {
        var server = new NpgsqlConnectionStringBuilder(RequireVariable(PostgresVariable));
        if (string.IsNullOrEmpty(server.Database)) server.Database = "postgres";
        var name = NewDatabaseName();
        await ExecuteAsync(new NpgsqlConnection(server.ConnectionString), $"CREATE DATABASE {name}", PostgresVariable, cancellationToken);
        var database = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name };
        return (database.ConnectionString, new Dropper(async () =>
        {
            using (var pooled = new NpgsqlConnection(database.ConnectionString)) NpgsqlConnection.ClearPool(pooled);
            // FORCE ends sessions a failed test may have left open.
            await ExecuteAsync(new NpgsqlConnection(server.ConnectionString), $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", PostgresVariable, CancellationToken.None);
        }));
    }

    private static string RequireVariable(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Start the test servers with `sudo scripts/services.sh` and load their " +
                "connection strings with `source <(scripts/services.sh --env)` before running the tests.");

    private static async Task ExecuteAsync(DbConnection connection, string sql, string variable, CancellationToken cancellationToken)
    {
        await using (connection)
        {
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
            {
                throw new InvalidOperationException(
                    $"Cannot reach the test database server of {variable} ({Describe(connection)}): {ex.Message.TrimEnd('.')}. " +
                    "Start it with `sudo scripts/services.sh`.", ex);
            }
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static string Describe(DbConnection connection) => $"{connection.DataSource}";

    private sealed class Dropper(Func<Task> drop) : IAsyncDisposable
    {
        private int _dropped;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _dropped, 1) == 0) await drop();
        }
    }
}

using PassportBot.Storage.Sql;

namespace PassportBot.Storage;

/// <summary>The values <c>Storage:Provider</c> accepts (case-insensitive).</summary>
public static class StorageProviders
{
    public const string Sqlite = "sqlite";
    public const string MariaDb = "mariadb";
    public const string MySql = "mysql";
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> All { get; } = [Sqlite, MariaDb, MySql, Postgres];

    public static bool IsKnown(string? provider) => All.Contains(provider?.Trim().ToLowerInvariant());

    internal static SqlDialect CreateDialect(StorageOptions options) => options.Provider.Trim().ToLowerInvariant() switch
    {
        Sqlite => new SqliteDialect(options.ConnectionString),
        MariaDb => new MySqlDialect(options.ConnectionString, MariaDb),
        MySql => new MySqlDialect(options.ConnectionString, MySql),
        Postgres => new PostgresDialect(options.ConnectionString),
        var other => throw new InvalidOperationException($"Unknown storage provider '{other}'. Valid: {string.Join(", ", All)}."),
    };
}

using System.Data;
using System.Data.Common;
using System.Text;
using PassportBot.Storage.Schema;

namespace PassportBot.Storage.Sql;

/// <summary>What differs between the providers, and nothing else: connections, column types, conflict
/// clauses, locking. The stores write their SQL once against this.</summary>
internal abstract class SqlDialect(string connectionString)
{
    protected string ConnectionString { get; } = connectionString;

    public abstract string Name { get; }

    /// <summary>Bind parameters one statement may carry (the batch size of multi-row inserts follows).</summary>
    public abstract int MaxParameters { get; }

    /// <summary>True when a write transaction locks the whole database (SQLite): no per-province lock is
    /// needed, and different provinces are serialised too.</summary>
    public virtual bool WriteTransactionLocksDatabase => false;

    /// <summary>True when <c>UPDATE ... RETURNING</c> exists, so a claim is one statement.</summary>
    public virtual bool SupportsUpdateReturning => true;

    /// <summary>Appended to a SELECT that picks rows to claim.</summary>
    public virtual string ForUpdateSkipLocked => " FOR UPDATE SKIP LOCKED";

    public abstract DbConnection CreateConnection();

    /// <summary>Per-connection settings, run on every open.</summary>
    public virtual Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

    /// <summary>Serialises schema migrations across processes until disposed.</summary>
    public abstract Task<IAsyncDisposable> AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken);

    public virtual string Quote(string identifier) => $"\"{identifier}\"";

    /// <summary>A membership test against a list parameter (Dapper expands the list into IN (...)).</summary>
    public virtual string InList(string column, string parameter) => $"{column} IN {parameter}";

    public abstract string TypeName(ColumnType type);

    /// <summary>A DELETE of at most <c>@batch</c> rows of <paramref name="table"/> matching <paramref name="where"/>,
    /// so pruning a large table holds no long transaction. Neither SQLite (by default) nor PostgreSQL has DELETE … LIMIT.</summary>
    public abstract string DeleteBatch(string table, string where);

    /// <summary>Statements creating the table and its indexes if they do not exist.</summary>
    public virtual IEnumerable<string> CreateTable(TableSpec table)
    {
        yield return $"CREATE TABLE IF NOT EXISTS {table.Name} ({ColumnsAndKey(table)})";
        foreach (var index in table.Indexes)
        {
            yield return $"CREATE INDEX IF NOT EXISTS {index.Name} ON {table.Name} ({string.Join(", ", index.Columns.Select(Quote))})";
        }
    }

    /// <summary>The ALTER TABLE adding a column. Not idempotent on every provider: the migrator runs it only
    /// when <see cref="ColumnExistsSql"/> says the column is missing.</summary>
    public virtual string AddColumn(string table, ColumnSpec column)
    {
        if (!column.Nullable && column.Default is null)
        {
            throw new ArgumentException($"Column {table}.{column.Name} is added to existing rows: it needs a default or must be nullable.", nameof(column));
        }
        return $"ALTER TABLE {table} ADD COLUMN {ColumnDefinition(column)}";
    }

    /// <summary>A query counting the column (0 or 1), with parameters @table and @column.</summary>
    public virtual string ColumnExistsSql =>
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table AND column_name = @column";

    protected string ColumnDefinition(ColumnSpec c) =>
        $"{Quote(c.Name)} {TypeName(c.Type)}{(c.Nullable || c.Type == ColumnType.Identity ? "" : " NOT NULL")}" +
        (c.Default is null ? "" : $" DEFAULT {c.Default}");

    protected string ColumnsAndKey(TableSpec table)
    {
        var parts = table.Columns.Select(ColumnDefinition).ToList();
        if (table.PrimaryKey.Count > 0) parts.Add($"PRIMARY KEY ({string.Join(", ", table.PrimaryKey.Select(Quote))})");
        return string.Join(", ", parts);
    }

    /// <summary>How this provider inserts many rows fastest (multi-row VALUES by default).</summary>
    public virtual IRowInserter CreateInserter(string table, IReadOnlyList<ColumnBinding> columns, Conflict conflict) =>
        new MultiRowInsert(this, table, columns, conflict);

    /// <summary>The INSERT head: <c>INSERT INTO t (a, b) VALUES</c>, or its ignore-duplicates form.</summary>
    public virtual string InsertHead(string table, IReadOnlyList<string> columns, Conflict conflict) =>
        $"INSERT INTO {table} ({string.Join(", ", columns.Select(Quote))}) VALUES ";

    /// <summary>What follows the VALUES rows for the conflict handling asked for.</summary>
    public virtual string ConflictTail(Conflict conflict) => conflict.Kind switch
    {
        ConflictKind.Fail => "",
        ConflictKind.Ignore => $" ON CONFLICT ({string.Join(", ", conflict.Keys.Select(Quote))}) DO NOTHING",
        ConflictKind.Update => $" ON CONFLICT ({string.Join(", ", conflict.Keys.Select(Quote))}) DO UPDATE SET " +
                               string.Join(", ", conflict.Updates.Select(c => $"{Quote(c)} = excluded.{Quote(c)}")),
        _ => throw new ArgumentOutOfRangeException(nameof(conflict)),
    };

    /// <summary>A connection string fit for logs: no password.</summary>
    public string DescribeConnection()
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = ConnectionString };
        foreach (var key in builder.Keys.Cast<string>().ToList())
        {
            if (key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase))
            {
                builder[key] = "***";
            }
        }
        return builder.ConnectionString;
    }

    /// <summary>Builds a multi-row VALUES list: (@p0, @p1), (@p2, @p3) ...</summary>
    public static string ValuesRows(int rows, int columns, int firstParameter = 0)
    {
        var sql = new StringBuilder(rows * columns * 6);
        var p = firstParameter;
        for (var r = 0; r < rows; r++)
        {
            if (r > 0) sql.Append(", ");
            sql.Append('(');
            for (var c = 0; c < columns; c++)
            {
                if (c > 0) sql.Append(", ");
                sql.Append("@p").Append(p++);
            }
            sql.Append(')');
        }
        return sql.ToString();
    }
}

internal enum ConflictKind
{
    Fail,
    Ignore,
    Update,
}

/// <summary>What an INSERT does when the key already exists.</summary>
internal sealed record Conflict(ConflictKind Kind, IReadOnlyList<string> Keys, IReadOnlyList<string> Updates)
{
    public static readonly Conflict Fail = new(ConflictKind.Fail, [], []);

    public static Conflict Ignore(params string[] keys) => new(ConflictKind.Ignore, keys, []);

    public static Conflict Update(string[] keys, params string[] updates) => new(ConflictKind.Update, keys, updates);
}

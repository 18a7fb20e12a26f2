using System.Data;
using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace PassportBot.Storage.Sql;

/// <summary>PostgreSQL plain inserts through binary COPY: one stream, no SQL to parse, no parameter limit.
/// It takes part in the connection's open transaction like any statement.</summary>
internal sealed class PostgresCopyInsert : IRowInserter
{
    private readonly string _copy;
    private readonly NpgsqlDbType[] _types;

    public PostgresCopyInsert(string table, IReadOnlyList<ColumnBinding> columns)
    {
        _copy = $"COPY {table} ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)";
        _types = columns.Select(c => TypeOf(c.Type)).ToArray();
    }

    public async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return 0;
        await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(_copy, cancellationToken).ConfigureAwait(false);
        foreach (var row in rows)
        {
            if (row.Length != _types.Length) throw new ArgumentException($"Expected {_types.Length} values per row.", nameof(rows));
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var c = 0; c < row.Length; c++)
            {
                if (row[c] is null) await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                else await importer.WriteAsync(row[c], _types[c], cancellationToken).ConfigureAwait(false);
            }
        }
        return checked((int)await importer.CompleteAsync(cancellationToken).ConfigureAwait(false));
    }

    private static NpgsqlDbType TypeOf(DbType type) => type switch
    {
        DbType.String => NpgsqlDbType.Text,
        DbType.Int64 => NpgsqlDbType.Bigint,
        DbType.Int32 => NpgsqlDbType.Integer,
        DbType.Double => NpgsqlDbType.Double,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "No COPY mapping for this column type."),
    };
}

using System.Data;
using System.Data.Common;

namespace PassportBot.Storage.Sql;

internal sealed record ColumnBinding(string Name, DbType Type);

/// <summary>Inserts (or upserts) rows of one table, as fast as the provider allows.</summary>
internal interface IRowInserter
{
    /// <summary>Returns the affected row count (0 for a row ignored as a duplicate).</summary>
    Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<object?[]> rows, CancellationToken cancellationToken);
}

/// <summary>Inserts many rows with few round trips: multi-row INSERT statements in chunks sized to the
/// provider's parameter limit. Plain ADO.NET, since Dapper would run one statement per row.</summary>
internal sealed class MultiRowInsert : IRowInserter
{
    private const int MaxRowsPerStatement = 1_000;

    private readonly string _head;
    private readonly string _tail;
    private readonly IReadOnlyList<ColumnBinding> _columns;
    private readonly int _rowsPerStatement;

    public MultiRowInsert(SqlDialect dialect, string table, IReadOnlyList<ColumnBinding> columns, Conflict conflict)
    {
        _columns = columns;
        _head = dialect.InsertHead(table, columns.Select(c => c.Name).ToList(), conflict);
        _tail = dialect.ConflictTail(conflict);
        _rowsPerStatement = Math.Max(1, Math.Min(MaxRowsPerStatement, dialect.MaxParameters / columns.Count));
    }

    public async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<object?[]> rows, CancellationToken cancellationToken)
    {
        var affected = 0;
        foreach (var chunk in rows.Chunk(_rowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _head + SqlDialect.ValuesRows(chunk.Length, _columns.Count) + _tail;
            var p = 0;
            foreach (var row in chunk)
            {
                if (row.Length != _columns.Count) throw new ArgumentException($"Expected {_columns.Count} values per row.", nameof(rows));
                for (var c = 0; c < row.Length; c++)
                {
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = "@p" + p++;
                    parameter.DbType = _columns[c].Type;
                    parameter.Value = row[c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }
            }
            affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return affected;
    }
}

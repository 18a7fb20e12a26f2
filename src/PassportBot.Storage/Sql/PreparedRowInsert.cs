using System.Data.Common;

namespace PassportBot.Storage.Sql;

/// <summary>SQLite: one prepared single-row statement executed per row. In-process SQLite has no round trips
/// to save, and binding a statement with thousands of named parameters costs time quadratic in their number.</summary>
internal sealed class PreparedRowInsert(SqlDialect dialect, string table, IReadOnlyList<ColumnBinding> columns, Conflict conflict) : IRowInserter
{
    private readonly string _sql = dialect.InsertHead(table, columns.Select(c => c.Name).ToList(), conflict)
                                   + SqlDialect.ValuesRows(1, columns.Count) + dialect.ConflictTail(conflict);

    public async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, IReadOnlyCollection<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return 0;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sql;
        var parameters = new DbParameter[columns.Count];
        for (var c = 0; c < columns.Count; c++)
        {
            parameters[c] = command.CreateParameter();
            parameters[c].ParameterName = "@p" + c;
            parameters[c].DbType = columns[c].Type;
            command.Parameters.Add(parameters[c]);
        }
        if (rows.Count > 1) await command.PrepareAsync(cancellationToken).ConfigureAwait(false);

        var affected = 0;
        foreach (var row in rows)
        {
            if (row.Length != columns.Count) throw new ArgumentException($"Expected {columns.Count} values per row.", nameof(rows));
            for (var c = 0; c < row.Length; c++) parameters[c].Value = row[c] ?? DBNull.Value;
            affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return affected;
    }
}

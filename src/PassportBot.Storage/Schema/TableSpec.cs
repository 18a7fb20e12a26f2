namespace PassportBot.Storage.Schema;

/// <summary>Portable column types; each dialect names them.</summary>
internal enum ColumnType
{
    /// <summary>64-bit integer (ids, counters, unix-millisecond timestamps).</summary>
    BigInt,
    Int,
    Double,
    /// <summary>Short text that may be part of a key (codes, names, dates, times).</summary>
    ShortText,
    /// <summary>Text of any length that is never indexed (addresses, payloads, setting values).</summary>
    LongText,
    /// <summary>Auto-incremented 64-bit primary key.</summary>
    Identity,
}

/// <param name="Default">SQL literal for DEFAULT; required when a NOT NULL column is added to an existing table.</param>
internal sealed record ColumnSpec(string Name, ColumnType Type, bool Nullable = false, string? Default = null);

internal sealed record IndexSpec(string Name, params string[] Columns);

internal sealed record TableSpec(string Name, IReadOnlyList<ColumnSpec> Columns, IReadOnlyList<string> PrimaryKey, IReadOnlyList<IndexSpec> Indexes);

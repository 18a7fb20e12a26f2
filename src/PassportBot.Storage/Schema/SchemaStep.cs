namespace PassportBot.Storage.Schema;

/// <summary>One statement of a migration, safe to run again on a schema that already has it.</summary>
internal abstract record SchemaStep;

/// <summary>A statement that is idempotent by itself (CREATE ... IF NOT EXISTS, an UPDATE that converges).</summary>
internal sealed record SqlStep(string Sql) : SchemaStep;

/// <summary>ALTER TABLE ADD COLUMN, run only when the column is missing (no provider-neutral IF NOT EXISTS).</summary>
internal sealed record AddColumnStep(string Table, ColumnSpec Column) : SchemaStep;

using Dapper;
using PassportBot.Messaging;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>The in-process bus's queues in the <c>bus_messages</c> table (see <see cref="IMessageJournal"/>).
/// Deliveries and removals, one per message handled, are grouped (<see cref="GroupCommit{TItem, TResult}"/>) so a
/// fan-out does not cost two write transactions per message.</summary>
internal sealed class MessageJournalStore : IMessageJournal
{
    private const int MaxBatch = 1_000;

    private readonly StorageDatabase _database;
    private readonly GroupCommit<long, bool> _deliveries;
    private readonly GroupCommit<IReadOnlyCollection<long>, bool> _removals;

    public MessageJournalStore(StorageDatabase database)
    {
        _database = database;
        _deliveries = GroupCommit.Writes<long>((ids, ct) => ExecuteInChunksAsync("UPDATE bus_messages SET deliveries = deliveries + 1 WHERE {0}", ids, ct), MaxBatch);
        // A removal is a collection already; batches of them are flattened (each at most a relay batch).
        _removals = GroupCommit.Writes<IReadOnlyCollection<long>>((sets, ct) => ExecuteInChunksAsync("DELETE FROM bus_messages WHERE {0}", sets.SelectMany(s => s).ToList(), ct), 64);
    }

    private const string Columns =
        "id AS Id, queue AS Queue, body AS Body, attempts AS Attempts, deliveries AS Deliveries, available_at AS AvailableAt, " +
        "dead_reason AS DeadReason, dead_at AS DeadAt";

    private SqlDialect Dialect => _database.Dialect;

    public async Task<IReadOnlyList<JournaledMessage>> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM bus_messages ORDER BY id", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new JournaledMessage(r.Id, r.Queue, r.Body, r.Attempts, r.Deliveries,
            DbValues.FromUnixMs(r.AvailableAt), r.DeadReason, DbValues.FromUnixMs(r.DeadAt))).ToList();
    }

    public Task<IReadOnlyList<long>> AppendAsync(string queue, IReadOnlyList<string> bodies, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // One row at a time inside one transaction: each insert hands back its id, on every provider. Deliveries 1:
        // the coming first delivery is counted here (see IMessageJournal.AppendAsync).
        var insert = "INSERT INTO bus_messages (queue, body, attempts, deliveries, available_at, created_at) VALUES (@queue, @body, 0, 1, @at, @at)" +
                     (Dialect.SupportsUpdateReturning ? " RETURNING id" : "; SELECT LAST_INSERT_ID()");
        var now = DbValues.ToUnixMs(at);
        return _database.WriteAsync<IReadOnlyList<long>>(async (connection, transaction) =>
        {
            var ids = new List<long>(bodies.Count);
            foreach (var body in bodies)
            {
                ids.Add(await connection.ExecuteScalarAsync<long>(new CommandDefinition(insert, new { queue, body, at = now }, transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false));
            }
            return ids;
        }, cancellationToken);
    }

    public Task MarkDeliveredAsync(long id, CancellationToken cancellationToken) => _deliveries.RunAsync(id, cancellationToken);

    public Task DelayAsync(long id, int failedAttempts, DateTimeOffset availableAt, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE bus_messages SET attempts = @failedAttempts, deliveries = 0, available_at = @availableAt WHERE id = @id",
            new { id, failedAttempts, availableAt = DbValues.ToUnixMs(availableAt) }, cancellationToken);

    public Task DeadLetterAsync(long id, int failedAttempts, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE bus_messages SET attempts = @failedAttempts, deliveries = 0, dead_reason = @reason, dead_at = @at WHERE id = @id",
            new { id, failedAttempts, reason, at = DbValues.ToUnixMs(at) }, cancellationToken);

    public Task ReviveAsync(long id, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE bus_messages SET attempts = 0, deliveries = 0, dead_reason = NULL, dead_at = NULL, available_at = @at WHERE id = @id",
            new { id, at = DbValues.ToUnixMs(at) }, cancellationToken);

    public Task RemoveAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        ids.Count == 0 ? Task.CompletedTask : _removals.RunAsync(ids, cancellationToken);

    /// <summary>Runs <paramref name="sqlFormat"/> (its <c>{0}</c> an id condition) over <paramref name="ids"/>, 1,000 per
    /// statement; the same id twice counts once.</summary>
    private async Task ExecuteInChunksAsync(string sqlFormat, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in ids.Distinct().Chunk(1_000))
        {
            await connection.ExecuteAsync(new CommandDefinition(
                string.Format(System.Globalization.CultureInfo.InvariantCulture, sqlFormat, Dialect.InList("id", "@ids")),
                new { ids = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class Row
    {
        public long Id { get; set; }
        public string Queue { get; set; } = "";
        public string Body { get; set; } = "";
        public int Attempts { get; set; }
        public int Deliveries { get; set; }
        public long AvailableAt { get; set; }
        public string? DeadReason { get; set; }
        public long? DeadAt { get; set; }
    }
}

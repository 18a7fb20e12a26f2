using System.Data.Common;
using Dapper;
using PassportBot.Domain;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>One open transaction holding a province's lock. Disposed without commit, it rolls back.</summary>
internal sealed class ProvinceUnitOfWork : IProvinceUnitOfWork
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly SlotWriter _writer;
    private readonly SqlDialect _dialect;
    private readonly TimeProvider _timeProvider;
    private bool _completed;

    private ProvinceUnitOfWork(string province, DbConnection connection, DbTransaction transaction, SqlDialect dialect, SlotWriter writer, TimeProvider timeProvider)
    {
        _dialect = dialect;
        Province = province;
        _connection = connection;
        _transaction = transaction;
        _writer = writer;
        _timeProvider = timeProvider;
    }

    public string Province { get; }

    public static async Task<ProvinceUnitOfWork> BeginAsync(StorageDatabase database, SlotWriter writer, TimeProvider timeProvider, string province, CancellationToken cancellationToken)
    {
        var connection = await database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        DbTransaction? transaction = null;
        try
        {
            var dialect = database.Dialect;
            if (!dialect.WriteTransactionLocksDatabase)
            {
                // Created outside the transaction: on InnoDB, two transactions that both hit the duplicate would
                // hold shared locks on the row and deadlock when upgrading to FOR UPDATE.
                await writer.EnsureProvinceLockRowAsync(connection, province, cancellationToken).ConfigureAwait(false);
            }
            transaction = await dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (!dialect.WriteTransactionLocksDatabase)
            {
                await SlotWriter.LockProvinceRowAsync(connection, transaction, province, cancellationToken).ConfigureAwait(false);
            }
            return new ProvinceUnitOfWork(province, connection, transaction, dialect, writer, timeProvider);
        }
        catch
        {
            if (transaction is not null) await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task UpsertOfficesAsync(IReadOnlyCollection<Office> offices, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writer.UpsertOfficesAsync(_connection, _transaction, offices, DbValues.ToUnixMs(_timeProvider.GetUtcNow()), cancellationToken);
    }

    public async Task<IReadOnlyDictionary<SlotKey, SlotRecord>> GetSlotsAsync(IReadOnlyCollection<int> officeIds, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        var result = new Dictionary<SlotKey, SlotRecord>();
        // Bounded IN lists: providers cap the parameters of one statement.
        foreach (var chunk in officeIds.Distinct().Chunk(500))
        {
            var rows = await _connection.QueryAsync<SlotRow>(new CommandDefinition(
                $"SELECT {SlotRow.Columns} FROM slots s WHERE {_dialect.InList("s.office_id", "@officeIds")}",
                new { officeIds = chunk }, _transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var row in rows)
            {
                var record = row.ToRecord();
                result[record.Key] = record;
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<SlotRecord>> GetOpenSlotsAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        var rows = await _connection.QueryAsync<SlotRow>(new CommandDefinition(
            $"SELECT {SlotRow.Columns} FROM slots s WHERE s.province = @province AND s.gone_at IS NULL ORDER BY s.date, s.time, s.office_id",
            new { province = Province }, _transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<Office>> GetOfficesAsync(IReadOnlyCollection<int> officeIds, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        var result = new List<Office>();
        foreach (var chunk in officeIds.Distinct().Chunk(500))
        {
            var rows = await _connection.QueryAsync<OfficeRow>(new CommandDefinition(
                $"SELECT {OfficeRow.Columns} FROM offices o WHERE {_dialect.InList("o.id", "@officeIds")}",
                new { officeIds = chunk }, _transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            result.AddRange(rows.Select(r => r.ToOffice()));
        }
        return result;
    }

    public Task SaveSlotsAsync(IReadOnlyCollection<SlotOutcome> outcomes, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writer.SaveSlotsAsync(_connection, _transaction, outcomes, DbValues.ToUnixMs(at), cancellationToken);
    }

    public Task EnqueueAsync(string queue, IReadOnlyCollection<string> payloads, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writer.EnqueueAsync(_connection, _transaction, queue, payloads, DbValues.ToUnixMs(at), cancellationToken);
    }

    public Task AddFanOutJobAsync(string id, string payload, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        return _writer.AddFanOutJobAsync(_connection, _transaction, id, Province, payload, DbValues.ToUnixMs(at), cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_completed)
            {
                _completed = true;
                await _transaction.RollbackAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException)
        {
            // The connection broke or the commit failed half-way: the server has already ended the transaction,
            // and throwing from dispose would hide the error the caller is handling.
        }
        finally
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void ThrowIfCompleted() =>
        ObjectDisposedException.ThrowIf(_completed, this);
}

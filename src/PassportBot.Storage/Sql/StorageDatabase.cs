using System.Data;
using System.Data.Common;

namespace PassportBot.Storage.Sql;

/// <summary>The configured database: its dialect and opened connections (pooled by the provider).</summary>
internal sealed class StorageDatabase(SqlDialect dialect)
{
    // SQLite has one writer per database, and a writer that finds it busy sleeps in SQLite's busy handler, which is
    // unfair: a loop writing chunk after chunk can keep the relay or the dispatcher waiting for hundreds of ms. The
    // writers of this process therefore take turns here first (short writes before waiting bulk ones, see WriteTurn),
    // without blocking a thread. Other processes are still held off by SQLite's own lock.
    private readonly WriteTurn? _writeTurn = dialect.WriteTransactionLocksDatabase ? new() : null;

    public SqlDialect Dialect { get; } = dialect;

    /// <summary>A connection for a write (a transaction or a writing statement), held until it is closed. On SQLite it
    /// is this process's writers' turn for as long as it is open: do not open another one for writing meanwhile.</summary>
    public Task<DbConnection> OpenForWriteAsync(CancellationToken cancellationToken) => OpenForWriteAsync(bulk: false, cancellationToken);

    /// <summary>As <see cref="OpenForWriteAsync(CancellationToken)"/>, for a write of many rows (a fan-out chunk): on
    /// SQLite, short writes that are waiting go first.</summary>
    public Task<DbConnection> OpenForBulkWriteAsync(CancellationToken cancellationToken) => OpenForWriteAsync(bulk: true, cancellationToken);

    private async Task<DbConnection> OpenForWriteAsync(bool bulk, CancellationToken cancellationToken)
    {
        if (_writeTurn is null) return await OpenAsync(cancellationToken).ConfigureAwait(false);
        await _writeTurn.EnterAsync(bulk, cancellationToken).ConfigureAwait(false);
        DbConnection connection;
        try
        {
            connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _writeTurn.Exit();
            throw;
        }
        var released = 0;
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == ConnectionState.Closed && Interlocked.Exchange(ref released, 1) == 0) _writeTurn.Exit();
        };
        return connection;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = Dialect.CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await Dialect.OnOpenedAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction, committing when it returns.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await Dialect.BeginWriteTransactionAsync(connection, cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }
}

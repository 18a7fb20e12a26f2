using PassportBot.Storage.Sql;
using PassportBot.Testing.Storage;

namespace PassportBot.Storage.Tests;

/// <summary>SQLite's writers of one process take turns in arrival order (short writes before waiting bulk ones) instead
/// of racing in SQLite's busy handler.</summary>
public sealed class SqliteWriteTurnTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private IAsyncDisposable _drop = null!;
    private StorageDatabase _database = null!;

    public async Task InitializeAsync()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        _drop = drop;
        _database = new StorageDatabase(new SqliteDialect(connectionString));
    }

    public async Task DisposeAsync() => await _drop.DisposeAsync();

    [Fact]
    public async Task A_writer_waits_for_the_open_write_connection_to_close_and_writers_go_in_arrival_order()
    {
        var database = _database;

        var first = await database.OpenForWriteAsync(CancellationToken.None);
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 5).Select(async i =>
        {
            await using var connection = await database.OpenForWriteAsync(CancellationToken.None);
            lock (order) order.Add(i);
        }).ToList();
        // A reader is never held up by the writers' turn.
        await using (var reader = await database.OpenAsync(CancellationToken.None).WaitAsync(Timeout)) { }
        Assert.Empty(order);

        await first.DisposeAsync();
        await Task.WhenAll(waiting).WaitAsync(Timeout);
        Assert.Equal([1, 2, 3, 4, 5], order);
    }

    [Fact]
    public async Task Short_writes_go_before_a_waiting_bulk_write_but_only_a_few_of_them()
    {
        var database = _database;

        var first = await database.OpenForWriteAsync(CancellationToken.None);
        var order = new List<string>();
        async Task Write(string name, bool bulk)
        {
            await using var connection = bulk
                ? await database.OpenForBulkWriteAsync(CancellationToken.None)
                : await database.OpenForWriteAsync(CancellationToken.None);
            lock (order) order.Add(name);
        }
        var waiting = new List<Task> { Write("bulk 1", bulk: true), Write("bulk 2", bulk: true) };
        waiting.AddRange(Enumerable.Range(1, 6).Select(i => Write($"short {i}", bulk: false)));

        await first.DisposeAsync();
        await Task.WhenAll(waiting).WaitAsync(Timeout);
        Assert.Equal(4, WriteTurn.MaxShortTurnsAhead);
        Assert.Equal(["short 1", "short 2", "short 3", "short 4", "bulk 1", "short 5", "short 6", "bulk 2"], order);
    }

    [Fact]
    public async Task A_writer_that_gives_up_waiting_does_not_take_a_turn()
    {
        var database = _database;

        var first = await database.OpenForWriteAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var impatient = database.OpenForWriteAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.WaitAsync(Timeout));
        await first.DisposeAsync();

        await using var next = await database.OpenForWriteAsync(CancellationToken.None).WaitAsync(Timeout);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Storage.Schema;
using PassportBot.Testing.Storage;

namespace PassportBot.Storage.Tests;

/// <summary>Existing databases upgrade in place: a populated version 1 schema reaches the latest version with
/// every row kept, on each provider.</summary>
public abstract class SchemaUpgradeTests : IAsyncLifetime
{
    private static readonly Office Turin = new(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0));
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly List<IAsyncDisposable> _cleanup = [];
    private string _connectionString = "";

    protected abstract string Provider { get; }

    private FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));

    public async Task InitializeAsync()
    {
        (_connectionString, var drop) = await TestDatabases.CreateAsync(Provider);
        _cleanup.Add(drop);
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
    }

    private StorageHarness OpenStore(bool migrateOnStart = false)
    {
        var store = new StorageHarness(Provider, _connectionString, Clock, migrateOnStart);
        _cleanup.Add(store);
        return store;
    }

    private static Task MigrateOnlyAsync(StorageHarness store, params Migration[] migrations) =>
        ((StorageMigrator)store.Migrator).MigrateAsync(migrations, None);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = TestDatabases.CreateConnection(Provider, _connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = TestDatabases.CreateConnection(Provider, _connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task PopulateVersion1Async(StorageHarness store)
    {
        await MigrateOnlyAsync(store, Migrations.All[0]);
        for (var chat = 1; chat <= 30; chat++)
        {
            await store.Subscriptions.SubscribeAsync(chat, chat % 2 == 0 ? "TO" : "MI", chat % 3 == 0 ? Language.English : null, None);
        }
        await store.Subscriptions.SubscribeAsync(2, "MI", null, None);
        await store.Subscriptions.DeactivateChatAsync(4, "blocked", None);

        var lifecycle = new SlotLifecycle(SlotLifecycle.DefaultGraceWindow);
        var at = Clock.GetUtcNow();
        await using var uow = await store.Availability.BeginAsync("TO", None);
        await uow.UpsertOfficesAsync([Turin], None);
        var slots = Enumerable.Range(0, 5)
            .Select(i => lifecycle.Offer(null, new SlotObservation(new SlotKey(Turin.Id, new DateOnly(2026, 4, 1 + i), new TimeOnly(9, 0)), i + 1), "TO", at))
            .ToList();
        await uow.SaveSlotsAsync(slots, at, None);
        await uow.EnqueueAsync("message", ["{\"chat_id\":2}"], at, None);
        await uow.CommitAsync(None);
    }

    [Fact]
    public async Task A_populated_version_1_database_upgrades_at_start_with_no_data_lost()
    {
        await PopulateVersion1Async(OpenStore());
        Assert.Equal(1, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        var usersBefore = await ScalarAsync("SELECT COUNT(*) FROM users");
        var subscriptionsBefore = await ScalarAsync("SELECT COUNT(*) FROM subscriptions");
        var historyBefore = await ScalarAsync("SELECT COUNT(*) FROM slot_places");

        // A new process of the new version: migrate on start, as the server and `passportbot migrate` do.
        var upgraded = OpenStore(migrateOnStart: true);
        foreach (var hosted in upgraded.Services.GetServices<IHostedService>()) await hosted.StartAsync(None);

        Assert.Equal(Migrations.Latest, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(Migrations.All.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(30, usersBefore);
        Assert.Equal(usersBefore, await ScalarAsync("SELECT COUNT(*) FROM users"));
        Assert.Equal(subscriptionsBefore, await ScalarAsync("SELECT COUNT(*) FROM subscriptions"));
        Assert.Equal(historyBefore, await ScalarAsync("SELECT COUNT(*) FROM slot_places"));
        Assert.Equal(5, await ScalarAsync("SELECT COUNT(*) FROM slots"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM outbox"));

        // Everybody who was there keeps their language and provinces, with no filter set.
        var subs = upgraded.Subscriptions;
        var turin = await subs.ListSubscribersAsync("TO", None);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i * 2).Where(c => c != 4), turin.Select(s => s.ChatId));
        Assert.All(turin, s => Assert.Equal(SubscriberFilter.None, s.Filter));
        Assert.Equal(Language.English, turin.Single(s => s.ChatId == 6).Language);
        Assert.Equal(["MI", "TO"], await subs.GetProvincesAsync(2, None));
        Assert.Equal(Language.Italian, await subs.GetLanguageAsync(4, None));
        Assert.Equal(5, (await upgraded.Availability.GetOpenSlotsAsync("TO", None)).Single().Slots.Count);

        // And the new columns work on the upgraded rows.
        await subs.SetUserFilterAsync(2, SubscriberFilter.None with { MinPlaces = 2, NotifyGone = true }, None);
        Assert.True(await subs.SetOfficesAsync(2, "TO", ["TOPQ60"], None));
        var two = (await subs.ListSubscribersAsync("TO", None)).Single(s => s.ChatId == 2);
        Assert.Equal(new SubscriberFilter { MinPlaces = 2, NotifyGone = true }.WithOffices(["TOPQ60"]), two.Filter);
    }

    [Fact]
    public async Task A_version_left_half_applied_is_completed_on_the_next_run()
    {
        var store = OpenStore();
        await MigrateOnlyAsync(store, Migrations.All[0]);
        // MySQL commits each ALTER at once: a crash after the first column leaves it there without the version row.
        await ExecuteAsync(Provider == "sqlite" || Provider == "postgres"
            ? "ALTER TABLE users ADD COLUMN filter_before TEXT"
            : "ALTER TABLE users ADD COLUMN filter_before VARCHAR(190)");
        await store.Subscriptions.SubscribeAsync(7, "TO", null, None);

        await store.Migrator.MigrateAsync(None);

        Assert.Equal(Migrations.Latest, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        await store.Subscriptions.SetUserFilterAsync(7, SubscriberFilter.None with { Before = new DateOnly(2026, 5, 1) }, None);
        Assert.Equal(new DateOnly(2026, 5, 1), (await store.Subscriptions.GetUserFilterAsync(7, None)).Before);
    }

    [Fact]
    public async Task A_version_missing_below_the_highest_recorded_is_still_applied()
    {
        // Version 3 developed beside 2 and applied first: 2 must not be skipped because 3 is recorded.
        var store = OpenStore();
        var three = new Migration(Migrations.Latest + 1, "test table", d => d.CreateTable(
            new TableSpec("upgrade_probe", [new ColumnSpec("id", ColumnType.Int)], ["id"], [])).Select(s => new SqlStep(s)));
        await MigrateOnlyAsync(store, Migrations.All[0], three);
        Assert.Equal(2, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));

        await MigrateOnlyAsync(store, [.. Migrations.All, three]);
        await MigrateOnlyAsync(store, [.. Migrations.All, three]);

        Assert.Equal(Migrations.All.Count + 1, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 2"));
        await store.Subscriptions.SubscribeAsync(1, "TO", null, None);
        Assert.Equal(SubscriberFilter.None, (await store.Subscriptions.ListSubscribersAsync("TO", None)).Single().Filter);
    }
}

public sealed class SqliteSchemaUpgradeTests : SchemaUpgradeTests
{
    protected override string Provider => "sqlite";
}

public sealed class MariaDbSchemaUpgradeTests : SchemaUpgradeTests
{
    protected override string Provider => "mariadb";
}

public sealed class PostgresSchemaUpgradeTests : SchemaUpgradeTests
{
    protected override string Provider => "postgres";
}

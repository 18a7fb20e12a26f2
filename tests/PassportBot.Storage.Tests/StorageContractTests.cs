using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Testing.Storage;
using Xunit.Abstractions;

namespace PassportBot.Storage.Tests;

/// <summary>The behaviour every storage provider must have, run against a real server of each (one fresh
/// database per test).</summary>
public abstract class StorageContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Grace = SlotLifecycle.DefaultGraceWindow;
    private static readonly Office Turin = new(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0)) { Latitude = 45.07, Longitude = 7.67 };
    private static readonly Office Moncalieri = new(41, "TOPS01", "Commissariato Moncalieri", "Via Real Collegio 1", "Moncalieri", "TO", new TimeOnly(14, 30));
    private static readonly Office Milan = new(70, "MIPQ01", "Questura di Milano", "Via Fatebenefratelli 11", "Milano", "MI", new TimeOnly(8, 0));

    private readonly List<IAsyncDisposable> _cleanup = [];
    private string _connectionString = "";

    protected abstract string Provider { get; }

    /// <summary>False for SQLite, where a write transaction locks the whole database.</summary>
    protected virtual bool LocksPerProvince => true;

    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));

    private StorageHarness Store { get; set; } = null!;

    public async Task InitializeAsync()
    {
        (_connectionString, var drop) = await TestDatabases.CreateAsync(Provider);
        _cleanup.Add(drop);
        Store = OpenStore();
        await Store.Migrator.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        // Stores first, the database last.
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
    }

    private StorageHarness OpenStore(string? connectionString = null)
    {
        var store = new StorageHarness(Provider, connectionString ?? _connectionString, Clock);
        _cleanup.Add(store);
        return store;
    }

    private async Task<string> CreateExtraDatabaseAsync()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync(Provider);
        _cleanup.Add(drop);
        return connectionString;
    }

    private async Task<long> ScalarAsync(string sql, string? connectionString = null)
    {
        await using var connection = TestDatabases.CreateConnection(Provider, connectionString ?? _connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static CancellationToken None => CancellationToken.None;

    private static SlotKey Key(int office, int day, int hour, int minute = 0) => new(office, new DateOnly(2026, 4, day), new TimeOnly(hour, minute));

    private SlotRecord NewRecord(SlotKey key, string province, int places) =>
        new(key, province, places, places, Clock.GetUtcNow(), Clock.GetUtcNow(), Clock.GetUtcNow(), null, 0);

    // ---------- sent message ids ----------

    [Fact]
    public async Task Concurrent_sent_records_and_checks_are_grouped_into_few_statements_and_each_answered_right()
    {
        var store = (PassportBot.Storage.Stores.SentMessageStore)Store.Services.GetRequiredService<ISentMessageStore>();
        var ids = Enumerable.Range(0, 300).Select(i => $"m{i:D4}").ToList();
        await Task.WhenAll(ids.Select(id => store.RecordSentAsync(id, Clock.GetUtcNow(), None)));
        // The same id twice in one group is recorded once, without error.
        await Task.WhenAll(store.RecordSentAsync("m0000", Clock.GetUtcNow(), None), store.RecordSentAsync("m0000", Clock.GetUtcNow(), None));
        var statementsBeforeChecks = store.Statements;

        var asked = ids.Concat(Enumerable.Range(0, 300).Select(i => $"x{i:D4}")).ToList();
        var answers = await Task.WhenAll(asked.Select(id => store.WasSentAsync(id, None)));

        Assert.Equal(asked.Select(id => id.StartsWith('m')), answers);
        Assert.Equal(300, await ScalarAsync("SELECT COUNT(*) FROM sent_messages"));
        // 300 records and 600 checks arrived together: far fewer statements than calls.
        Assert.True(statementsBeforeChecks < 150, $"{statementsBeforeChecks} statements for 302 records");
        Assert.True(store.Statements - statementsBeforeChecks < 300, $"{store.Statements - statementsBeforeChecks} statements for 600 checks");
    }

    // ---------- schema ----------

    [Fact]
    public async Task Migrations_are_idempotent_and_recorded_once()
    {
        await Store.Migrator.MigrateAsync(None);
        await Store.Migrator.MigrateAsync(None);

        Assert.Equal(PassportBot.Storage.Schema.Migrations.All.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
        Assert.Equal(PassportBot.Storage.Schema.Migrations.Latest, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        Assert.True(await Store.Migrator.PingAsync(None));
    }

    [Fact]
    public async Task Concurrent_migrations_of_an_empty_database_apply_each_version_once()
    {
        var fresh = await CreateExtraDatabaseAsync();
        var stores = Enumerable.Range(0, 3).Select(_ => OpenStore(fresh)).ToList();

        await Task.WhenAll(stores.Select(s => s.Migrator.MigrateAsync(None))).Within();

        Assert.Equal(PassportBot.Storage.Schema.Migrations.All.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version", fresh));
        Assert.True(await stores[0].Subscriptions.SubscribeAsync(1, "TO", null, None));
    }

    [Fact]
    public async Task Hosted_service_migrates_at_start()
    {
        var fresh = await CreateExtraDatabaseAsync();
        var store = OpenStore(fresh);
        foreach (var hosted in store.Services.GetServices<IHostedService>()) await hosted.StartAsync(None);

        Assert.Equal(PassportBot.Storage.Schema.Migrations.All.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version", fresh));
        Assert.Empty(await store.Subscriptions.GetFollowedProvincesAsync(None));
    }

    // ---------- subscriptions ----------

    [Fact]
    public async Task Subscribe_creates_the_user_and_reports_only_new_follows()
    {
        var subs = Store.Subscriptions;
        Assert.Null(await subs.GetLanguageAsync(100, None));

        Assert.True(await subs.SubscribeAsync(100, "TO", null, None));
        Assert.False(await subs.SubscribeAsync(100, "TO", null, None));
        Assert.Equal(Language.Italian, await subs.GetLanguageAsync(100, None));

        Assert.True(await subs.SubscribeAsync(100, "MI", Language.English, None));
        Assert.Equal(Language.English, await subs.GetLanguageAsync(100, None));
        Assert.False(await subs.SubscribeAsync(100, "MI", null, None));
        Assert.Equal(Language.English, await subs.GetLanguageAsync(100, None));

        Assert.True(await subs.SubscribeAsync(200, "TO", Language.English, None));
        Assert.Equal(["MI", "TO"], await subs.GetProvincesAsync(100, None));
        Assert.Equal([new Subscriber(100, Language.English), new Subscriber(200, Language.English)], await subs.GetSubscribersAsync("TO", None));
    }

    [Fact]
    public async Task Unsubscribe_and_unsubscribe_all_report_what_was_followed()
    {
        var subs = Store.Subscriptions;
        await subs.SubscribeAsync(1, "TO", null, None);
        await subs.SubscribeAsync(1, "MI", null, None);
        await subs.SubscribeAsync(1, "RM", null, None);

        Assert.True(await subs.UnsubscribeAsync(1, "MI", None));
        Assert.False(await subs.UnsubscribeAsync(1, "MI", None));
        Assert.False(await subs.UnsubscribeAsync(999, "TO", None));
        Assert.Equal(["RM", "TO"], await subs.GetProvincesAsync(1, None));

        Assert.Equal(2, await subs.UnsubscribeAllAsync(1, None));
        Assert.Equal(0, await subs.UnsubscribeAllAsync(1, None));
        Assert.Empty(await subs.GetProvincesAsync(1, None));
    }

    [Fact]
    public async Task Set_language_creates_or_updates_the_user()
    {
        var subs = Store.Subscriptions;
        await subs.SetLanguageAsync(7, Language.English, None);
        Assert.Equal(Language.English, await subs.GetLanguageAsync(7, None));
        await subs.SetLanguageAsync(7, Language.Italian, None);
        Assert.Equal(Language.Italian, await subs.GetLanguageAsync(7, None));

        Assert.True(await subs.SubscribeAsync(7, "TO", null, None));
        Assert.Equal([new Subscriber(7, Language.Italian)], await subs.GetSubscribersAsync("TO", None));
    }

    [Fact]
    public async Task Deactivate_hides_the_chat_drops_its_provinces_and_subscribe_reactivates_it()
    {
        var subs = Store.Subscriptions;
        await subs.SubscribeAsync(1, "TO", Language.English, None);
        await subs.SubscribeAsync(1, "MI", null, None);
        await subs.SubscribeAsync(2, "TO", null, None);

        await subs.DeactivateChatAsync(1, "403 Forbidden: bot was blocked by the user", None);

        Assert.Equal([new Subscriber(2, Language.Italian)], await subs.GetSubscribersAsync("TO", None));
        Assert.Empty(await subs.GetSubscribersAsync("MI", None));
        Assert.Empty(await subs.GetProvincesAsync(1, None));
        Assert.Equal(["TO"], await subs.GetFollowedProvincesAsync(None));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM users WHERE chat_id = 1 AND active = 0 AND deactivated_reason LIKE '403%'"));

        Assert.True(await subs.SubscribeAsync(1, "MI", null, None));
        Assert.Equal([new Subscriber(1, Language.English)], await subs.GetSubscribersAsync("MI", None));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM users WHERE chat_id = 1 AND active = 1 AND deactivated_reason IS NULL"));
    }

    [Fact]
    public async Task Followed_provinces_are_distinct_and_only_those_with_an_active_subscriber()
    {
        var subs = Store.Subscriptions;
        await subs.SubscribeAsync(1, "TO", null, None);
        await subs.SubscribeAsync(2, "TO", null, None);
        await subs.SubscribeAsync(2, "NA", null, None);
        await subs.SubscribeAsync(3, "RM", null, None);
        await subs.DeactivateChatAsync(3, "chat not found", None);

        Assert.Equal(["NA", "TO"], await subs.GetFollowedProvincesAsync(None));
    }

    // ---------- availability unit of work ----------

    [Fact]
    public async Task Unit_of_work_round_trip_stores_offices_slots_history_and_outbox()
    {
        var lifecycle = new SlotLifecycle(Grace);
        var first = Clock.GetUtcNow();
        var k1 = Key(Turin.Id, 14, 9);
        var k2 = Key(Turin.Id, 14, 9, 30);
        var k3 = Key(Moncalieri.Id, 15, 10);

        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            Assert.Equal("TO", uow.Province);
            await uow.UpsertOfficesAsync([Turin, Moncalieri], None);
            var existing = await uow.GetSlotsAsync([Turin.Id, Moncalieri.Id], None);
            Assert.Empty(existing);
            var outcomes = new[] { new SlotObservation(k1, 3), new SlotObservation(k2, 1), new SlotObservation(k3, 2) }
                .Select(o => lifecycle.Offer(null, o, "TO", first)).ToList();
            await uow.SaveSlotsAsync(outcomes, first, None);
            await uow.EnqueueAsync("message", ["{\"chat_id\":1}", "{\"chat_id\":2}"], first, None);
            await uow.CommitAsync(None);
        }

        Clock.Advance(TimeSpan.FromMinutes(1));
        var second = Clock.GetUtcNow();
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            var existing = await uow.GetSlotsAsync([Turin.Id], None);
            Assert.Equal([k1, k2], existing.Keys.Order());
            Assert.Equal(new SlotRecord(k1, "TO", 3, 3, first, first, first, null, 0), existing[k1]);

            var updated = lifecycle.Offer(existing[k1], new SlotObservation(k1, 5), "TO", second);
            var closed = lifecycle.Miss(lifecycle.Miss(existing[k2], second).Record, second);
            Assert.Equal(SlotTransition.Closed, closed.Transition);
            await uow.SaveSlotsAsync([updated, closed], second, None);

            var open = await uow.GetOpenSlotsAsync(None);
            Assert.Equal([k1, k3], open.Select(r => r.Key));
            Assert.Equal(5, open[0].Places);
            await uow.CommitAsync(None);
        }

        var grouped = await Store.Availability.GetOpenSlotsAsync("TO", None);
        Assert.Equal([Turin.Id, Moncalieri.Id], grouped.Select(g => g.Office.Id));
        Assert.Equal(Turin, grouped[0].Office);
        Assert.Equal([new SlotObservation(k1, 5)], grouped[0].Slots);
        Assert.Equal([new SlotObservation(k3, 2)], grouped[1].Slots);
        Assert.Empty(await Store.Availability.GetOpenSlotsAsync("MI", None));

        Assert.Equal([new PlacesPoint(first, 3), new PlacesPoint(second, 5)], await Store.Dashboard.GetPlacesHistoryAsync(k1, None));
        Assert.Equal([new PlacesPoint(first, 1), new PlacesPoint(second, 0)], await Store.Dashboard.GetPlacesHistoryAsync(k2, None));

        Assert.Equal(2, await Store.Outbox.CountAsync(None));
        var entries = await Store.Outbox.ClaimAsync("relay", 10, TimeSpan.FromSeconds(30), None);
        Assert.Equal(["{\"chat_id\":1}", "{\"chat_id\":2}"], entries.Select(e => e.Payload));
        Assert.All(entries, e => Assert.Equal(("message", first), (e.Queue, e.CreatedAt)));
    }

    [Fact]
    public async Task Disposing_a_unit_of_work_without_commit_rolls_everything_back()
    {
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([Turin], None);
            await uow.SaveSlotsAsync([new SlotOutcome(NewRecord(Key(Turin.Id, 14, 9), "TO", 2), SlotTransition.Announce, true)], Clock.GetUtcNow(), None);
            await uow.EnqueueAsync("message", ["lost"], Clock.GetUtcNow(), None);
        }

        Assert.Equal(0, await Store.Outbox.CountAsync(None));
        Assert.Empty(await Store.Dashboard.GetSlotsAsync(null, SlotState.All, 100, None));
        Assert.Empty(await Store.Dashboard.GetOfficesAsync(null, None));
        Assert.Empty(await Store.Dashboard.GetPlacesHistoryAsync(Key(Turin.Id, 14, 9), None));

        // The lock is released too: the province can be worked on again at once.
        await using var next = await Store.Availability.BeginAsync("TO", None).Within(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Province_lock_serialises_concurrent_units_of_work_across_processes()
    {
        var key = Key(Turin.Id, 20, 11);
        await using (var seed = await Store.Availability.BeginAsync("TO", None))
        {
            await seed.SaveSlotsAsync([new SlotOutcome(NewRecord(key, "TO", 0), SlotTransition.Announce, false)], Clock.GetUtcNow(), None);
            await seed.CommitAsync(None);
        }

        // Read-modify-write from several "processes" (own service providers, own connections): any overlap
        // would lose increments.
        const int Workers = 8;
        var processes = Enumerable.Range(0, 2).Select(_ => OpenStore()).ToList();
        var tasks = Enumerable.Range(0, Workers).Select(i => Task.Run(async () =>
        {
            await using var uow = await processes[i % processes.Count].Availability.BeginAsync("TO", None);
            var current = (await uow.GetSlotsAsync([Turin.Id], None))[key];
            await Task.Yield();
            await uow.SaveSlotsAsync([new SlotOutcome(current with { Places = current.Places + 1 }, SlotTransition.Updated, false)], Clock.GetUtcNow(), None);
            await uow.CommitAsync(None);
        }));
        await Task.WhenAll(tasks).Within();

        var slots = await Store.Dashboard.GetSlotsAsync("TO", SlotState.Open, 10, None);
        Assert.Equal(Workers, Assert.Single(slots).Places);
    }

    [Fact]
    public async Task Province_lock_holds_a_second_unit_of_work_of_the_same_province_until_the_first_ends()
    {
        var other = OpenStore();
        var first = await Store.Availability.BeginAsync("TO", None);
        var second = Task.Run(() => other.Availability.BeginAsync("TO", None));

        await Assert.ThrowsAsync<TimeoutException>(() => second.Within(TimeSpan.FromMilliseconds(500), "second unit of work"));
        await first.DisposeAsync();

        await using var acquired = await second.Within(what: "second unit of work after the first ended");
        Assert.Equal("TO", acquired.Province);
    }

    [Fact]
    public async Task Units_of_work_of_different_provinces_do_not_wait_for_each_other()
    {
        var other = OpenStore();
        await using var turin = await Store.Availability.BeginAsync("TO", None);
        var milan = Task.Run(() => other.Availability.BeginAsync("MI", None));

        if (LocksPerProvince)
        {
            await using var acquired = await milan.Within(TimeSpan.FromSeconds(10), "unit of work of another province");
            await acquired.UpsertOfficesAsync([Milan], None);
            await acquired.CommitAsync(None);
            Assert.Single(await Store.Dashboard.GetOfficesAsync("MI", None));
        }
        else
        {
            // SQLite has one writer: another province waits for the database lock, then proceeds.
            await Assert.ThrowsAsync<TimeoutException>(() => milan.Within(TimeSpan.FromMilliseconds(300)));
            await turin.DisposeAsync();
            await using var acquired = await milan.Within(what: "unit of work of another province after the database lock was released");
            await acquired.CommitAsync(None);
        }
    }

    [Fact]
    public async Task Saving_the_same_slot_twice_in_one_batch_keeps_the_last_outcome()
    {
        var key = Key(Turin.Id, 21, 9);
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            var a = NewRecord(key, "TO", 2);
            await uow.SaveSlotsAsync([new SlotOutcome(a, SlotTransition.Announce, true), new SlotOutcome(a with { Places = 4, MaxPlaces = 4 }, SlotTransition.Updated, true)], Clock.GetUtcNow(), None);
            await uow.CommitAsync(None);
        }
        var view = Assert.Single(await Store.Dashboard.GetSlotsAsync(null, SlotState.All, 10, None));
        Assert.Equal((4, 4), (view.Places, view.MaxPlaces));
    }

    // ---------- outbox ----------

    private async Task EnqueueAsync(int count, string queue = "message")
    {
        await using var uow = await Store.Availability.BeginAsync("TO", None);
        await uow.EnqueueAsync(queue, Enumerable.Range(0, count).Select(i => $"{{\"n\":{i}}}").ToList(), Clock.GetUtcNow(), None);
        await uow.CommitAsync(None);
    }

    [Fact]
    public async Task Fan_out_jobs_are_committed_with_the_poll_leased_to_one_expander_resumed_from_their_cursor_and_deleted_with_their_last_chunk()
    {
        var lease = TimeSpan.FromSeconds(30);
        var jobs = Store.FanOutJobs;
        async Task AddAsync(string id, bool commit)
        {
            await using var uow = await Store.Availability.BeginAsync("TO", None);
            await uow.AddFanOutJobAsync(id, "payload " + id, Clock.GetUtcNow(), None);
            if (commit) await uow.CommitAsync(None);
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
        await AddAsync("job-a", commit: true);
        await AddAsync("job-rolled-back", commit: false);
        await AddAsync("job-b", commit: true);
        Assert.Equal(2, await jobs.CountAsync(None));

        var a = await jobs.ClaimNextAsync("x", lease, None);
        Assert.Equal(("job-a", "TO", "payload job-a", (FanOutCursor?)null), (a!.Id, a.Province, a.Payload, a.Cursor));
        Assert.Equal("job-b", (await jobs.ClaimNextAsync("y", lease, None))!.Id);
        Assert.Null(await jobs.ClaimNextAsync("z", lease, None));

        // A chunk: its messages and the cursor in one transaction; only the holder may write one.
        var cursor = new FanOutCursor(-8_000_000_000_000_000_000, 42);
        Assert.True(await jobs.SaveChunkAsync("job-a", "x", lease, "message", ["m1", "m2"], cursor, None));
        Assert.False(await jobs.SaveChunkAsync("job-a", "z", lease, "message", ["m3"], new FanOutCursor(1, 1), None));
        Assert.Equal(2, await Store.Outbox.CountAsync(None));

        // A released job is free at once; an expired lease frees it too, with the cursor of its last chunk.
        await jobs.ReleaseAsync("job-b", "y", None);
        Assert.Equal("job-b", (await jobs.ClaimNextAsync("z", lease, None))!.Id);
        Clock.Advance(lease - TimeSpan.FromSeconds(1));
        Assert.Null(await jobs.ClaimNextAsync("w", lease, None));
        Clock.Advance(TimeSpan.FromSeconds(2));
        var resumed = await jobs.ClaimNextAsync("w", lease, None);
        Assert.Equal(("job-a", (FanOutCursor?)cursor), (resumed!.Id, resumed.Cursor));
        Assert.False(await jobs.SaveChunkAsync("job-a", "x", lease, "message", ["stale"], null, None));

        Assert.True(await jobs.SaveChunkAsync("job-a", "w", lease, "message", ["m3"], null, None));
        Assert.Equal(["m1", "m2", "m3"], (await Store.Outbox.ClaimAsync("relay", 10, lease, None)).Select(e => e.Payload));
        Assert.Equal(1, await jobs.CountAsync(None));
        Assert.True(await jobs.SaveChunkAsync("job-b", "z", lease, "message", [], null, None));
        Assert.Equal(0, await jobs.CountAsync(None));
    }

    [Fact]
    public async Task Outbox_claims_oldest_first_hides_claimed_entries_until_the_lease_expires()
    {
        await EnqueueAsync(5);
        var lease = TimeSpan.FromSeconds(30);

        var a = await Store.Outbox.ClaimAsync("relay-a", 3, lease, None);
        Assert.Equal(["{\"n\":0}", "{\"n\":1}", "{\"n\":2}"], a.Select(e => e.Payload));
        Assert.True(a.Zip(a.Skip(1)).All(p => p.First.Id < p.Second.Id));

        var b = await Store.Outbox.ClaimAsync("relay-b", 10, lease, None);
        Assert.Equal(["{\"n\":3}", "{\"n\":4}"], b.Select(e => e.Payload));
        Assert.Empty(await Store.Outbox.ClaimAsync("relay-c", 10, lease, None));

        // A relay that restarts under the same name gets its own entries back.
        Assert.Equal(a.Select(e => e.Id), (await Store.Outbox.ClaimAsync("relay-a", 10, lease, None)).Select(e => e.Id));

        await Store.Outbox.DeleteAsync(b.Select(e => e.Id).ToList(), None);
        Assert.Equal(3, await Store.Outbox.CountAsync(None));

        // relay-a crashed: after its lease, another relay takes the entries over.
        Clock.Advance(lease + TimeSpan.FromMilliseconds(1));
        var c = await Store.Outbox.ClaimAsync("relay-c", 10, lease, None);
        Assert.Equal(a.Select(e => e.Id), c.Select(e => e.Id));

        await Store.Outbox.DeleteAsync(c.Select(e => e.Id).ToList(), None);
        await Store.Outbox.DeleteAsync([], None);
        Assert.Equal(0, await Store.Outbox.CountAsync(None));
    }

    [Fact]
    public async Task Concurrent_relays_never_claim_the_same_entry()
    {
        const int Total = 400;
        await EnqueueAsync(Total);
        var claimed = new ConcurrentBag<(string Owner, long Id)>();
        var relays = new[] { ("relay-1", OpenStore()), ("relay-2", OpenStore()), ("relay-3", OpenStore()) };

        var loops = relays.Select(r => Task.Run(async () =>
        {
            var (owner, store) = r;
            while (true)
            {
                var batch = await store.Outbox.ClaimAsync(owner, 15, TimeSpan.FromMinutes(5), None);
                if (batch.Count == 0) return;
                foreach (var entry in batch) claimed.Add((owner, entry.Id));
                await store.Outbox.DeleteAsync(batch.Select(e => e.Id).ToList(), None);
            }
        }));
        await Task.WhenAll(loops).Within();

        var ids = claimed.Select(c => c.Id).ToList();
        Assert.Equal(Total, ids.Count);
        Assert.Equal(Total, ids.Distinct().Count());
        Assert.Equal(0, await Store.Outbox.CountAsync(None));
        output.WriteLine($"{Provider}: claims per relay {string.Join(", ", claimed.GroupBy(c => c.Owner).OrderBy(g => g.Key).Select(g => $"{g.Key}={g.Count()}"))}");
    }

    [Fact]
    public async Task Ten_thousand_outbox_entries_are_enqueued_in_one_unit_of_work()
    {
        const int Count = 10_000;
        var payloads = Enumerable.Range(0, Count)
            .Select(i => $"{{\"v\":1,\"chat_id\":{1_000_000 + i},\"content\":\"Nuova disponibilità — Questura di Torino, 14/04/2026 09:00, 3 posti\"}}")
            .ToList();

        await using (var warmUp = await Store.Availability.BeginAsync("TO", None))
        {
            await warmUp.EnqueueAsync("message", payloads.Take(10).ToList(), Clock.GetUtcNow(), None);
        }

        var watch = Stopwatch.StartNew();
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.EnqueueAsync("message", payloads, Clock.GetUtcNow(), None);
            await uow.CommitAsync(None);
        }
        watch.Stop();
        output.WriteLine($"{Provider}: enqueued {Count} outbox rows in {watch.ElapsedMilliseconds} ms (begin + insert + commit)");
        Console.WriteLine($"[timing] {Provider}: {Count} outbox rows in {watch.ElapsedMilliseconds} ms");

        Assert.Equal(Count, await Store.Outbox.CountAsync(None));
        var firstBatch = await Store.Outbox.ClaimAsync("relay", 2, TimeSpan.FromSeconds(30), None);
        Assert.Equal(payloads.Take(2), firstBatch.Select(e => e.Payload));
    }

    // ---------- leases and settings ----------

    [Fact]
    public async Task Lease_is_exclusive_renewable_releasable_and_expires()
    {
        var leases = Store.Leases;
        var ttl = TimeSpan.FromSeconds(60);
        Assert.True(await leases.TryAcquireAsync("poll:TO", "poller-1", ttl, None));
        Assert.False(await leases.TryAcquireAsync("poll:TO", "poller-2", ttl, None));
        Assert.True(await leases.TryAcquireAsync("poll:MI", "poller-2", ttl, None));

        Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.True(await leases.TryAcquireAsync("poll:TO", "poller-1", ttl, None));
        Clock.Advance(TimeSpan.FromSeconds(45));
        Assert.False(await leases.TryAcquireAsync("poll:TO", "poller-2", ttl, None));

        Clock.Advance(TimeSpan.FromSeconds(16));
        Assert.True(await leases.TryAcquireAsync("poll:TO", "poller-2", ttl, None));
        Assert.False(await leases.TryAcquireAsync("poll:TO", "poller-1", ttl, None));

        await leases.ReleaseAsync("poll:TO", "poller-1", None);
        Assert.False(await leases.TryAcquireAsync("poll:TO", "poller-1", ttl, None));
        await leases.ReleaseAsync("poll:TO", "poller-2", None);
        Assert.True(await leases.TryAcquireAsync("poll:TO", "poller-1", ttl, None));
    }

    [Fact]
    public async Task Racing_owners_of_a_lease_get_exactly_one_winner()
    {
        var processes = Enumerable.Range(0, 3).Select(_ => OpenStore()).ToList();
        for (var round = 0; round < 15; round++)
        {
            var name = $"race-{round}";
            var results = await Task.WhenAll(processes.Select((p, i) =>
                Task.Run(() => p.Leases.TryAcquireAsync(name, $"owner-{i}", TimeSpan.FromMinutes(1), None)))).Within();
            Assert.Equal(1, results.Count(won => won));
        }
    }

    [Fact]
    public async Task Settings_are_upserted_with_their_time()
    {
        var settings = Store.Settings;
        Assert.Null(await settings.GetAsync("agenda.cookie", None));

        var t1 = Clock.GetUtcNow();
        await settings.SetAsync("agenda.cookie", "JSESSIONID=abc", t1, None);
        Assert.Equal(("JSESSIONID=abc", t1), await settings.GetAsync("agenda.cookie", None));

        var t2 = t1.AddMinutes(5);
        var longValue = new string('x', 20_000);
        await settings.SetAsync("agenda.cookie", longValue, t2, None);
        Assert.Equal((longValue, t2), await settings.GetAsync("agenda.cookie", None));
        Assert.Null(await settings.GetAsync("Agenda.Cookie", None));
    }

    // ---------- dashboard ----------

    [Fact]
    public async Task Dashboard_queries_filter_order_and_count_without_chat_ids()
    {
        var t0 = Clock.GetUtcNow();
        var open1 = Key(Turin.Id, 16, 9);
        var open2 = Key(Moncalieri.Id, 14, 10);
        var gone = Key(Turin.Id, 13, 8);
        var milanOpen = Key(Milan.Id, 18, 12);
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([Turin, Moncalieri], None);
            await uow.SaveSlotsAsync(
            [
                new SlotOutcome(NewRecord(open1, "TO", 2), SlotTransition.Announce, true),
                new SlotOutcome(NewRecord(open2, "TO", 1), SlotTransition.Announce, true),
                new SlotOutcome(NewRecord(gone, "TO", 0) with { GoneAt = t0.AddMinutes(1) }, SlotTransition.Closed, true),
            ], t0, None);
            await uow.CommitAsync(None);
        }
        await using (var uow = await Store.Availability.BeginAsync("MI", None))
        {
            await uow.UpsertOfficesAsync([Milan], None);
            await uow.SaveSlotsAsync([new SlotOutcome(NewRecord(milanOpen, "MI", 4), SlotTransition.Announce, true)], t0, None);
            await uow.CommitAsync(None);
        }
        await Store.Subscriptions.SubscribeAsync(1, "TO", null, None);
        await Store.Subscriptions.SubscribeAsync(2, "TO", null, None);
        await Store.Subscriptions.SubscribeAsync(3, "TO", null, None);
        await Store.Subscriptions.DeactivateChatAsync(3, "blocked", None);
        await Store.Subscriptions.SubscribeAsync(4, "RM", null, None);

        var openTo = await Store.Dashboard.GetSlotsAsync("TO", SlotState.Open, 100, None);
        Assert.Equal([open2, open1], openTo.Select(v => new SlotKey(v.OfficeId, v.Date, v.Time)));
        Assert.Equal(new SlotView(Moncalieri.Id, "TOPS01", "Commissariato Moncalieri", "Via Real Collegio 1", "TO", open2.Date, open2.Time, 1, 1, t0, t0, null), openTo[0]);

        var goneTo = Assert.Single(await Store.Dashboard.GetSlotsAsync("TO", SlotState.Gone, 100, None));
        Assert.Equal((gone.Date, t0.AddMinutes(1)), (goneTo.Date, goneTo.GoneAt));

        var all = await Store.Dashboard.GetSlotsAsync(null, SlotState.All, 100, None);
        Assert.Equal([gone.Date, open2.Date, open1.Date, milanOpen.Date], all.Select(v => v.Date));
        Assert.Equal(2, (await Store.Dashboard.GetSlotsAsync(null, SlotState.All, 2, None)).Count);
        Assert.Empty(await Store.Dashboard.GetSlotsAsync("NA", SlotState.All, 100, None));

        var stats = await Store.Dashboard.GetProvinceStatsAsync(None);
        Assert.Equal(
        [
            new ProvinceStats("MI", 1, 1, 0, milanOpen.Date),
            new ProvinceStats("RM", 0, 0, 1, null),
            new ProvinceStats("TO", 2, 2, 2, open2.Date),
        ], stats);

        Assert.Equal([Turin, Moncalieri], await Store.Dashboard.GetOfficesAsync("TO", None));
        Assert.Equal([Milan.Id, Turin.Id, Moncalieri.Id], (await Store.Dashboard.GetOfficesAsync(null, None)).Select(o => o.Id));
        Assert.Empty(await Store.Dashboard.GetPlacesHistoryAsync(Key(999, 1, 9), None));
    }

    [Fact]
    public async Task Offices_are_updated_in_place()
    {
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([Turin], None);
            await uow.UpsertOfficesAsync([Turin with { Address = "Via Nuova 1", BookableFrom = new TimeOnly(15, 0), Latitude = null }], None);
            await uow.CommitAsync(None);
        }
        var office = Assert.Single(await Store.Dashboard.GetOfficesAsync("TO", None));
        Assert.Equal(("Via Nuova 1", new TimeOnly(15, 0), (double?)null, 7.67), (office.Address, office.BookableFrom, office.Latitude, office.Longitude));
    }

    // ---------- durability ----------

    [Fact]
    public async Task Data_survives_reopening_the_store()
    {
        var key = Key(Turin.Id, 14, 9);
        await Store.Subscriptions.SubscribeAsync(42, "TO", Language.English, None);
        await Store.Settings.SetAsync("k", "v", Clock.GetUtcNow(), None);
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([Turin], None);
            await uow.SaveSlotsAsync([new SlotOutcome(NewRecord(key, "TO", 3), SlotTransition.Announce, true)], Clock.GetUtcNow(), None);
            await uow.EnqueueAsync("message", ["hello"], Clock.GetUtcNow(), None);
            await uow.CommitAsync(None);
        }
        await Store.DisposeAsync();

        var reopened = OpenStore();
        await reopened.Migrator.MigrateAsync(None);
        Assert.Equal([new Subscriber(42, Language.English)], await reopened.Subscriptions.GetSubscribersAsync("TO", None));
        Assert.Equal("v", (await reopened.Settings.GetAsync("k", None))?.Value);
        Assert.Equal(key, (await reopened.Availability.GetOpenSlotsAsync("TO", None)).Single().Slots.Single().Key);
        Assert.Equal("hello", (await reopened.Outbox.ClaimAsync("relay", 10, TimeSpan.FromSeconds(5), None)).Single().Payload);
    }

    // ---------- retention ----------

    [Fact]
    public async Task Retention_deletes_old_places_history_and_long_closed_slots_in_batches()
    {
        var lifecycle = new SlotLifecycle(Grace);
        var t0 = Clock.GetUtcNow();
        var open = Key(Turin.Id, 14, 9);
        var closed = Key(Turin.Id, 14, 9, 30);
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([Turin], None);
            await uow.SaveSlotsAsync([lifecycle.Offer(null, new SlotObservation(open, 3), "TO", t0), lifecycle.Offer(null, new SlotObservation(closed, 1), "TO", t0)], t0, None);
            await uow.CommitAsync(None);
        }
        Clock.Advance(TimeSpan.FromMinutes(1));
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            var existing = await uow.GetSlotsAsync([Turin.Id], None);
            var gone = lifecycle.Miss(lifecycle.Miss(existing[closed], Clock.GetUtcNow()).Record, Clock.GetUtcNow());
            Assert.Equal(SlotTransition.Closed, gone.Transition);
            await uow.SaveSlotsAsync([gone], Clock.GetUtcNow(), None);
            await uow.CommitAsync(None);
        }

        // More than a year later: the open slot's places change and a new slot appears.
        Clock.Advance(TimeSpan.FromDays(420));
        var now = Clock.GetUtcNow();
        var fresh = new SlotKey(Turin.Id, DateOnly.FromDateTime(now.UtcDateTime).AddDays(20), new TimeOnly(9, 0));
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            var existing = await uow.GetSlotsAsync([Turin.Id], None);
            await uow.SaveSlotsAsync([lifecycle.Offer(existing[open], new SlotObservation(open, 5), "TO", now), lifecycle.Offer(null, new SlotObservation(fresh, 2), "TO", now)], now, None);
            await uow.CommitAsync(None);
        }
        Assert.Equal(5, await ScalarAsync("SELECT COUNT(*) FROM slot_places"));

        var cutoff = now - TimeSpan.FromDays(365);
        var batches = new List<int>();
        for (var deleted = -1; deleted != 0 && batches.Count < 20;)
        {
            deleted = await Store.Retention.PruneBatchAsync(cutoff, batchSize: 1, None);
            batches.Add(deleted);
        }

        Assert.All(batches, n => Assert.InRange(n, 0, 2));
        Assert.Equal(4, batches.Sum()); // three old places points and the closed slot
        Assert.Equal(0, batches[^1]);
        Assert.Equal([new PlacesPoint(now, 5)], await Store.Dashboard.GetPlacesHistoryAsync(open, None));
        Assert.Empty(await Store.Dashboard.GetPlacesHistoryAsync(closed, None));
        var left = await Store.Dashboard.GetSlotsAsync(null, SlotState.All, 100, None);
        Assert.Equal([open, fresh], left.Select(s => new SlotKey(s.OfficeId, s.Date, s.Time)).Order());
        Assert.Equal(0, await Store.Retention.PruneBatchAsync(cutoff, batchSize: 1000, None));
    }
}

public sealed class SqliteStorageTests(ITestOutputHelper output) : StorageContractTests(output)
{
    protected override string Provider => "sqlite";

    protected override bool LocksPerProvince => false;
}

public sealed class MariaDbStorageTests(ITestOutputHelper output) : StorageContractTests(output)
{
    protected override string Provider => "mariadb";
}

public sealed class PostgresStorageTests(ITestOutputHelper output) : StorageContractTests(output)
{
    protected override string Provider => "postgres";
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Messaging;
using PassportBot.Storage;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

/// <summary>The fan-out after the poll's commit over each real database: chunked, resumable, never doubled.</summary>
public abstract class FanOutExpanderTests(string provider) : IAsyncLifetime
{
    private const int Subscribers = 300;
    private const int ChunkSize = 40;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Workers:FanOutChunkSize"] = ChunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Workers:FanOutLease"] = Lease.ToString(),
    };

    private readonly FakeTimeProvider _clock = new(T0.AddMinutes(5));
    private readonly List<ServiceProvider> _replicas = [];
    private WorkerHarness _h = null!;

    /// <summary>Chats that follow TO with no filter; the odd ones' /before excludes every slot of the tests.</summary>
    private readonly List<long> _wanted = [];

    public async Task InitializeAsync()
    {
        _h = await WorkerHarness.StartAsync(provider, Settings, _clock);
        var subscriptions = _h.Get<ISubscriptionStore>();
        await Parallel.ForEachAsync(Enumerable.Range(1, Subscribers), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            await subscriptions.SubscribeAsync(i, "TO", Language.Italian, ct);
            if (i % 2 == 1) await subscriptions.SetUserFilterAsync(i, SubscriberFilter.None with { Before = new DateOnly(2026, 12, 1) }, ct);
        });
        _wanted.AddRange(Enumerable.Range(1, Subscribers).Where(i => i % 2 == 0).Select(i => (long)i));
    }

    public async Task DisposeAsync()
    {
        foreach (var r in _replicas) await r.DisposeAsync();
        await _h.DisposeAsync();
    }

    private async Task<ServiceProvider> ReplicaAsync()
    {
        var replica = await _h.RestartAsync(provider, Settings, _clock);
        _replicas.Add(replica);
        return replica;
    }

    private IFanOutJobStore Jobs => _h.Get<IFanOutJobStore>();

    [Fact]
    public async Task The_poll_commits_one_job_and_its_first_chunk_reaches_the_outbox_before_the_rest_is_expanded()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        Assert.Equal(0, await _h.Get<IOutboxStore>().CountAsync(default));
        Assert.Equal(1, await Jobs.CountAsync(default));

        Assert.True(await _h.Get<FanOutExpander>().ExpandNextAsync("replica-a", maxChunks: 1, default));

        var first = await _h.DrainOutboxAsync(expand: false);
        Assert.InRange(first.Count, 1, FanOutExpander.FirstChunkSize);
        Assert.All(first, m => Assert.Contains(m.ChatId, _wanted));
        Assert.Equal(1, await Jobs.CountAsync(default));
        // The same expander goes on from its cursor.
        Assert.True(await _h.Get<FanOutExpander>().ExpandNextAsync("replica-a", default));
        var rest = await _h.DrainOutboxAsync(expand: false);
        Assert.Equal(_wanted, first.Concat(rest).Select(m => m.ChatId).Order());
        Assert.Equal(0, await Jobs.CountAsync(default));
    }

    [Fact]
    public async Task The_warm_ups_leave_a_pending_job_alone_and_write_nothing()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        // Half expanded by a replica that then died: its lease still holds the job.
        Assert.True(await _h.Get<FanOutExpander>().ExpandNextAsync("replica-a", maxChunks: 1, default));
        var first = await _h.DrainOutboxAsync(expand: false);

        // A process starting meanwhile warms up.
        var starting = await ReplicaAsync();
        Assert.True(await starting.GetRequiredService<AvailabilityHandler>().WarmUpAsync(default));
        await starting.GetRequiredService<FanOutExpander>().WarmUpAsync(default);

        Assert.Equal(0, await _h.Get<IOutboxStore>().CountAsync(default));
        Assert.Equal(1, await Jobs.CountAsync(default));
        // The job is still replica-a's, and it continues from its cursor: everybody once.
        Assert.False(await starting.GetRequiredService<FanOutExpander>().ExpandNextAsync("replica-b", default));
        Assert.True(await _h.Get<FanOutExpander>().ExpandNextAsync("replica-a", default));
        var rest = await _h.DrainOutboxAsync(expand: false);
        Assert.Equal(_wanted, first.Concat(rest).Select(m => m.ChatId).Order());
    }

    [Fact]
    public async Task A_job_left_half_expanded_is_continued_by_another_replica_after_the_lease_and_everybody_gets_it_once()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);

        // Replica A writes three chunks and dies holding the job.
        Assert.True(await _h.Get<FanOutExpander>().ExpandNextAsync("replica-a", maxChunks: 3, default));
        var before = await _h.DrainOutboxAsync(expand: false);
        Assert.NotEmpty(before);

        // While A's lease runs, B does not touch the job.
        var b = await ReplicaAsync();
        var expanderB = b.GetRequiredService<FanOutExpander>();
        Assert.False(await expanderB.ExpandNextAsync("replica-b", default));
        _clock.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.False(await expanderB.ExpandNextAsync("replica-b", default));

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await expanderB.ExpandNextAsync("replica-b", default));
        var after = await _h.DrainOutboxAsync(b, expand: false);

        var all = before.Concat(after).ToList();
        // Two offices: one message per office for each unfiltered chat, none for the filtered ones, nobody twice.
        Assert.Equal(_wanted.Count * 2, all.Count);
        Assert.Equal(_wanted, all.Select(m => m.ChatId).Distinct().Order());
        Assert.All(all.GroupBy(m => (m.ChatId, m.Offices![0].Office.Id)), g => Assert.Single(g));
        Assert.Equal(all.Count, all.Select(m => m.Id).Distinct().Count());
        Assert.Equal(0, await Jobs.CountAsync(default));
    }

    [Fact]
    public async Task Replicas_expanding_at_once_never_write_a_subscriber_twice()
    {
        var handler = _h.Get<AvailabilityHandler>();
        for (var day = 10; day < 14; day++)
            await handler.HandleAsync(Insert(T0.AddMinutes(day), At(Turin(), Slot(40, day, 9))), default);
        Assert.Equal(4, await Jobs.CountAsync(default));

        var replicas = new List<IServiceProvider> { _h.Services };
        for (var i = 0; i < 2; i++) replicas.Add(await ReplicaAsync());
        await Task.WhenAll(replicas.Select((r, i) => Task.Run(async () =>
        {
            var expander = r.GetRequiredService<FanOutExpander>();
            while (await expander.ExpandNextAsync($"replica-{i}", default)) { }
        })));

        var messages = await _h.DrainOutboxAsync(expand: false);
        Assert.Equal(0, await Jobs.CountAsync(default));
        Assert.Equal(4 * _wanted.Count, messages.Count);
        foreach (var day in Enumerable.Range(10, 4))
        {
            var ofDay = messages.Where(m => m.Offices![0].Slots[0].Date.Day == day).Select(m => m.ChatId).ToList();
            Assert.Equal(_wanted, ofDay.Order());
        }
    }

    [Fact]
    public async Task Subscribers_and_filters_are_read_when_the_job_is_expanded()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        var subscriptions = _h.Get<ISubscriptionStore>();
        await subscriptions.SetUserFilterAsync(2, SubscriberFilter.None with { Before = new DateOnly(2026, 12, 1) }, default);
        await subscriptions.SubscribeAsync(100_000, "TO", Language.English, default);

        var chats = (await _h.DrainOutboxAsync()).Select(m => m.ChatId).ToList();
        Assert.DoesNotContain(2L, chats);
        Assert.Contains(100_000L, chats);
        Assert.Equal(_wanted.Count, chats.Count);
    }
}

public sealed class SqliteFanOutExpanderTests() : FanOutExpanderTests("sqlite");

public sealed class MariaDbFanOutExpanderTests() : FanOutExpanderTests("mariadb");

public sealed class PostgresFanOutExpanderTests() : FanOutExpanderTests("postgres");

/// <summary>The job's subscriber order and message ids, which make an expansion resumable and repeatable.</summary>
public sealed class FanOutOrderTests
{
    private static FilteredSubscriber Chat(long id) => new(id, Language.Italian, SubscriberFilter.None);

    private static readonly FanOutJob Job = FanOutJob.From("TO", "poll-1", T0,
        [new Domain.Pipeline.Announcement(Turin(), [Slot(40, 19, 17)], null), new Domain.Pipeline.Announcement(Turin(41, "TOPC01"), [Slot(41, 19, 9)], null)], []);

    [Fact]
    public void The_order_is_random_but_fixed_by_the_job()
    {
        var chats = Enumerable.Range(1, 500).Select(i => (long)i).ToList();
        var a = FanOut.Order("job-a", chats).Select(x => x.ChatId).ToList();
        Assert.Equal(a, FanOut.Order("job-a", chats.AsEnumerable().Reverse().ToList()).Select(x => x.ChatId));
        Assert.NotEqual(a, FanOut.Order("job-b", chats).Select(x => x.ChatId));
        Assert.NotEqual(chats, a);
        Assert.Equal(chats, a.Order());
    }

    [Fact]
    public void Positions_strictly_ascend_so_a_cursor_splits_the_order_in_two()
    {
        // Negative ids too (groups): the key is compared unsigned, as the cursor is.
        var chats = Enumerable.Range(-250, 500).Select(i => i * 1_000_003L).ToList();
        var keys = FanOut.Order("job-a", chats).Select(x => unchecked((ulong)x.Position.OrderKey)).ToList();
        Assert.Equal(chats.Count, keys.Count);
        Assert.All(keys.Zip(keys.Skip(1)), pair => Assert.True(pair.First < pair.Second));
    }

    [Fact]
    public void Resuming_after_a_cursor_over_a_changed_list_skips_exactly_the_subscribers_already_written()
    {
        var chats = Enumerable.Range(1, 500).Select(i => (long)i).ToList();
        var order = FanOut.Order("job-a", chats);
        var cursor = order[199].Position;
        var written = order.Take(200).Select(x => x.ChatId).ToHashSet();

        // Meanwhile one written and one unwritten chat left, and a new one came.
        var left = new[] { order[10].ChatId, order[300].ChatId };
        var changed = chats.Where(c => !left.Contains(c)).Append(9_999L).ToList();
        var rest = FanOut.Order("job-a", changed, cursor).Select(x => x.ChatId).ToList();

        Assert.Empty(rest.Intersect(written));
        var expected = chats.Except(written).Except(left).ToHashSet();
        // The newcomer comes after the cursor or not, by its place in the job's order.
        if (FanOut.Order("job-a", [9_999L], cursor).Count == 1) expected.Add(9_999);
        Assert.Equal(expected.Order(), rest.Order());
        Assert.Equal(rest.Count, rest.Distinct().Count());
    }

    [Fact]
    public void A_subscriber_expanded_twice_gets_the_same_message_ids()
    {
        var now = T0.AddMinutes(1);
        var once = FanOut.For(Job, "job-a", Chat(7), now).Select(m => m.Id).ToList();
        var again = FanOut.For(Job, "job-a", Chat(7), now.AddMinutes(5)).Select(m => m.Id).ToList();
        Assert.Equal(2, once.Count);
        Assert.Equal(once, again);
        Assert.Equal(2, once.Distinct().Count());
        Assert.Empty(once.Intersect(FanOut.For(Job, "job-b", Chat(7), now).Select(m => m.Id)));
        Assert.Empty(once.Intersect(FanOut.For(Job, "job-a", Chat(8), now).Select(m => m.Id)));
        // Ids show up in logs and traces: they must not spell the chat id out.
        Assert.All(FanOut.For(Job, "job-a", Chat(987_654_321), now), m => Assert.DoesNotContain("987654321", m.Id, StringComparison.Ordinal));
    }

    [Fact]
    public void A_job_survives_its_json_round_trip()
    {
        var back = MessageJson.Deserialize<FanOutJob>(MessageJson.SerializeToString(Job with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" }));
        var now = T0.AddMinutes(1);
        Assert.Equal(
            FanOut.For(Job, "j", Chat(7), now).Select(m => MessageJson.SerializeToString(m with { TraceParent = null })),
            FanOut.For(back, "j", Chat(7), now).Select(m => MessageJson.SerializeToString(m with { TraceParent = null })));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", back.TraceParent);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;
using Xunit.Abstractions;

namespace PassportBot.ScaleOut.Tests;

/// <summary>Several replicas of one role, each its own process, and SIGKILL in the middle of the work.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class ReplicaTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_pollers_poll_each_province_once_per_interval_in_total_and_take_over_a_killed_pollers_provinces()
    {
        string[] provinces = ["TO", "MI", "RM", "NA", "FI", "BO"];
        await using var cluster = await Cluster.CreateAsync();
        await cluster.MigrateAsync();
        await cluster.SubscribeAsync([1], provinces);

        var a = cluster.Start("poller");
        var b = cluster.Start("poller");
        await Cluster.WaitAnsweringAsync(a, b);
        foreach (var p in provinces) await cluster.WaitForPollsAsync(p, 1);

        using var watcher = new PollWatcher(cluster, provinces);

        // The interval (1 s) is the behaviour under test: count the polls over a few of them.
        const int intervals = 6;
        var before = watcher.Counts();
        await Task.Delay(TimeSpan.FromSeconds(intervals));
        var after = watcher.Counts();
        foreach (var p in provinces)
        {
            var polls = after[p] - before[p];
            output.WriteLine($"two pollers, {p}: {polls} polls in {intervals} intervals");
            Assert.True(polls <= intervals + 1, $"{p} was polled {polls} times in {intervals} intervals by two replicas (at most {intervals + 1} expected).\n{cluster.Tails()}");
            Assert.True(polls >= intervals / 2, $"{p} was polled only {polls} times in {intervals} intervals.\n{cluster.Tails()}");
        }

        // Both replicas took part; kill the busier one.
        var pollsA = await PollsCompletedAsync(a);
        var pollsB = await PollsCompletedAsync(b);
        output.WriteLine($"polls completed: {a.Name} {pollsA}, {b.Name} {pollsB}");
        var (victim, survivor) = pollsA >= pollsB ? (a, b) : (b, a);
        var killedAt = watcher.Now;
        victim.Kill();

        // Every province is polled again within about one interval (the lease of the dead replica runs out).
        await Eventually.TrueAsync(() => provinces.All(p => watcher.FirstPollAfter(p, killedAt) is not null), Cluster.Timeout, "every province polled after the kill", cluster.Tails);
        var takeovers = provinces.ToDictionary(p => p, p => watcher.FirstPollAfter(p, killedAt)!.Value - killedAt);
        output.WriteLine("first poll after SIGKILL: " + string.Join(", ", takeovers.Select(t => $"{t.Key} {t.Value.TotalMilliseconds:0} ms")));
        Assert.All(takeovers, t => Assert.True(t.Value <= TimeSpan.FromSeconds(2.5), $"{t.Key} was next polled {t.Value.TotalMilliseconds:0} ms after the kill."));

        // And the survivor keeps polling every province once per interval.
        before = watcher.Counts();
        await Task.Delay(TimeSpan.FromSeconds(intervals));
        after = watcher.Counts();
        foreach (var p in provinces)
        {
            var polls = after[p] - before[p];
            output.WriteLine($"one poller, {p}: {polls} polls in {intervals} intervals");
            Assert.True(polls <= intervals + 1 && polls >= intervals / 2, $"{p}: {polls} polls in {intervals} intervals after the kill.\n{survivor.Tail}");
        }
        Assert.False(survivor.HasExited, survivor.Tail);
    }

    [Fact]
    public async Task Three_availability_handlers_announce_each_new_slot_exactly_once_to_each_subscriber()
    {
        string[] provinces = ["TO", "MI", "RM"];
        await using var cluster = await Cluster.CreateAsync();
        await cluster.MigrateAsync();
        var chats = Enumerable.Range(2000, 50).Select(i => (long)i).ToList();
        await cluster.SubscribeAsync(chats, provinces);
        var offices = new Dictionary<string, int[]>
        {
            ["TO"] = [cluster.AlwaysBookableOffice("TOPQ60"), cluster.AlwaysBookableOffice(cluster.Simulator.World.OfficesIn("TO").First(o => o.Code != "TOPQ60").Code)],
            ["MI"] = [cluster.AlwaysBookableOffice("MIPQ60")],
            ["RM"] = [cluster.AlwaysBookableOffice("RMPC03")],
        };

        var processes = new[] { cluster.Start("poller"), cluster.Start("avail-handler"), cluster.Start("avail-handler"), cluster.Start("avail-handler"), cluster.Start("dispatcher") };
        await Cluster.WaitAnsweringAsync(processes);
        await Eventually.TrueAsync(async () => await cluster.ConsumersAsync("new_availabilities") == (3, 3), Cluster.Timeout, "3 consumers on new_availabilities", cluster.Tails);
        foreach (var p in provinces) await cluster.WaitForPollsAsync(p, 1);

        var slots = new List<SlotKey>();
        var day = 3;
        SlotKey Add(int office, int places = 1) => cluster.Simulator.World.AddSlot(office, Cluster.Day(day++), new TimeOnly(10, 0), places);

        // Several slots in several provinces at once...
        foreach (var p in provinces) { slots.Add(Add(offices[p][0])); slots.Add(Add(offices[p][0], 2)); }
        await WaitAllDeliveredAsync(cluster, chats, slots);
        // ...and more across the following polls, while one of the first is taken.
        slots.Add(Add(offices["TO"][1]));
        slots.Add(Add(offices["MI"][0]));
        await cluster.WaitForPollsAsync("TO", 1);
        slots.Add(Add(offices["RM"][0], 3));
        slots.Add(Add(offices["TO"][0]));
        cluster.Simulator.World.RemoveSlot(slots[0]);
        await cluster.WaitForPollsAsync("MI", 1);
        slots.Add(Add(offices["MI"][0]));
        await WaitAllDeliveredAsync(cluster, chats, slots);
        foreach (var p in provinces) await cluster.WaitForPollsAsync(p, 3);

        // Exactly once per subscriber and slot.
        var wrong = (from chat in chats from slot in slots let n = cluster.Count(chat, Cluster.SlotText(slot)) where n != 1 select $"{chat}/{slot}: {n}").ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} (chat, slot) pairs not announced exactly once: {string.Join(", ", wrong.Take(20))}");
        output.WriteLine($"{chats.Count} subscribers x {slots.Count} slots, each announced exactly once; {cluster.Telegram.SentMessages.Count} messages in all");

        // The database ends in the simulator's state: open slots are exactly the site's, the taken one is closed.
        foreach (var p in provinces)
        {
            var expected = cluster.Simulator.World.SlotsIn(p).Select(s => s.Key).OrderBy(k => k.ToString()).ToList();
            List<SlotKey> open = [];
            await Eventually.TrueAsync(async () =>
            {
                open = (await cluster.Store<IDashboardQueries>().GetSlotsAsync(p, SlotState.Open, 1000, default))
                    .Select(s => new SlotKey(s.OfficeId, s.Date, s.Time)).OrderBy(k => k.ToString()).ToList();
                return open.SequenceEqual(expected);
            }, Cluster.Timeout, $"open slots of {p} in the database match the site", () => $"db: {string.Join(", ", open)}; site: {string.Join(", ", expected)}");
        }
        var gone = await cluster.Store<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Gone, 1000, default);
        Assert.Contains(gone, s => new SlotKey(s.OfficeId, s.Date, s.Time) == slots[0]);
        Assert.All(processes, p => Assert.False(p.HasExited, p.Tail));
    }

    [Fact]
    public async Task Two_dispatchers_hold_the_rate_limit_globally_and_the_standby_takes_over_a_killed_active_one()
    {
        await using var cluster = await Cluster.CreateAsync();
        await cluster.MigrateAsync();
        var chats = Enumerable.Range(4000, 150).Select(i => (long)i).ToList();
        await cluster.SubscribeAsync(chats, "TO");
        var office = cluster.AlwaysBookableOffice("TOPQ60");
        cluster.Telegram.Limits = new FakeBotApiLimits { GlobalMessagesPerSecond = 20, RetryAfterSeconds = 1 };

        var workers = new[] { cluster.Start("poller"), cluster.Start("avail-handler") };
        string[] dispatcherOptions = ["Telegram:PaidBroadcast=false", "Telegram:MaxMessagesPerSecond=15", "Telegram:PerChatInterval=00:00:01"];
        // The first consumer registered on the single-active-consumer queue is the active one.
        var active = await cluster.StartReadyAsync("dispatcher", dispatcherOptions);
        await Eventually.TrueAsync(async () => await cluster.ConsumersAsync("message") == (1, 1), Cluster.Timeout, "first dispatcher consuming", cluster.Tails);
        var standby = await cluster.StartReadyAsync("dispatcher", dispatcherOptions);
        // Registered and waiting: the queue lets only the first one receive.
        await Eventually.TrueAsync(async () => await cluster.ConsumersAsync("message") == (2, 1), Cluster.Timeout, "second dispatcher registered as the standby", cluster.Tails);
        await Cluster.WaitAnsweringAsync(workers);
        await cluster.WaitForPollsAsync("TO", 1);

        var key = cluster.Simulator.World.AddSlot(office, Cluster.Day(4), new TimeOnly(9, 30), 1);
        var text = Cluster.SlotText(key);
        await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count >= 40, Cluster.Timeout, "40 deliveries", cluster.Tails);
        var killedAt = DateTimeOffset.UtcNow;
        active.Kill();
        var deliveredAtKill = cluster.CountsByChat(text).Count;

        await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count == chats.Count, Cluster.Timeout, "every subscriber served", cluster.Tails);
        await Task.Delay(TimeSpan.FromSeconds(2)); // late duplicates, if any, would arrive now

        var sends = cluster.Telegram.SentMessages.Where(m => m.Text!.Contains(text)).Select(m => m.At).Order().ToList();
        var resumedAt = sends.First(at => at > killedAt.AddMilliseconds(300)); // in-flight sends of the killed one land just after the kill
        var gap = sends.Zip(sends.Skip(1), (x, y) => (From: x, Gap: y - x)).Where(g => g.From >= killedAt.AddSeconds(-1)).Max(g => g.Gap);
        var duplicates = cluster.CountsByChat(text).Values.Sum(n => n - 1);
        var (peak, _) = PeakPerSecond(sends);
        output.WriteLine($"killed the active dispatcher after {deliveredAtKill} deliveries; standby sending {(resumedAt - killedAt).TotalMilliseconds:0} ms after the kill; " +
                         $"longest pause around the failover {gap.TotalMilliseconds:0} ms; duplicates {duplicates}; 429s {cluster.Telegram.TooManyRequestsSent}; peak {peak} msg in 1 s");

        // One dispatcher sends at a time: the fan-out's average rate (the failover pause left out) stays at the
        // configured 15 msg/s; two active consumers would send at 30.
        var sendingTime = (sends[^1] - sends[0] - gap).TotalSeconds;
        var rate = (sends.Count - 1) / sendingTime;
        output.WriteLine($"average rate {rate:0.0} msg/s over {sendingTime:0.0} s of sending");
        Assert.True(rate <= 15 * 1.2, $"{rate:0.0} msg/s: more than one dispatcher was sending.\n{string.Join(" ", sends.Select(at => (at - killedAt).TotalMilliseconds.ToString("0")))}");
        // Not asserted here: zero 429s. Each dispatcher caps its own grants per second, but across a failover the
        // killed dispatcher's last second and the standby's first are not coordinated: the fake may see up to two
        // windows' worth at once (measured after the limiter fix: 0 × 429, peak 19 in 1 s against a limit of 20).
        Assert.True(gap <= TimeSpan.FromSeconds(10), $"failover pause {gap.TotalSeconds:0.0} s");
        Assert.True(duplicates <= 8, $"{duplicates} duplicates; the in-flight window of a dispatcher at 15 msg/s is 8 sends.");
        Assert.False(standby.HasExited, standby.Tail);
    }

    [Fact]
    public async Task Killing_an_availability_handler_mid_fan_out_loses_nothing_and_duplicates_at_most_one_relay_batch()
    {
        const int batch = 5;
        await using var cluster = await Cluster.CreateAsync(extra: new Dictionary<string, string?>
        {
            ["Workers:RelayBatchSize"] = batch.ToString(),
            ["Workers:RelayLease"] = "00:00:03",
        });
        await cluster.MigrateAsync();
        var chats = Enumerable.Range(5000, 300).Select(i => (long)i).ToList();
        await cluster.SubscribeAsync(chats, "TO");
        var first = cluster.AlwaysBookableOffice("TOPQ60");
        var second = cluster.AlwaysBookableOffice(cluster.Simulator.World.OfficesIn("TO").First(o => o.Code != "TOPQ60").Code);

        var handler = cluster.Start("avail-handler");
        var others = new[] { cluster.Start("poller"), cluster.Start("dispatcher") };
        await Cluster.WaitAnsweringAsync([handler, .. others]);
        await cluster.WaitForPollsAsync("TO", 1);

        // Two offices: 600 outbox rows, relayed 5 at a time (a fan-out long enough to kill the process in its middle).
        SlotKey[] slots = [cluster.Simulator.World.AddSlot(first, Cluster.Day(5), new TimeOnly(8, 45), 1), cluster.Simulator.World.AddSlot(second, Cluster.Day(6), new TimeOnly(8, 50), 1)];
        var outbox = cluster.Store<IOutboxStore>();
        long pending = 0;
        var total = 2 * chats.Count;
        await Eventually.TrueAsync(async () => (pending = await outbox.CountAsync(default)) > 0, Cluster.Timeout, "the fan-out committed to the outbox", cluster.Tails);
        // Kill once the relay has published part of it (checked as fast as the database answers).
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while ((pending = await outbox.CountAsync(default)) > total - 100 && DateTime.UtcNow < deadline) { }
        handler.Kill();
        var deliveredAtKill = slots.Sum(s => cluster.CountsByChat(Cluster.SlotText(s)).Count);
        var pendingAfterKill = await outbox.CountAsync(default);
        Assert.True(pendingAfterKill > 0, $"the relay finished before the kill ({pending} rows when last seen); the test did not hit the fan-out.\n{cluster.Tails()}");

        var restarted = await cluster.StartReadyAsync("avail-handler");
        foreach (var slot in slots)
            await Eventually.TrueAsync(() => cluster.CountsByChat(Cluster.SlotText(slot)).Count == chats.Count, Cluster.Timeout, $"every subscriber served {slot}", cluster.Tails);
        await Eventually.TrueAsync(async () => await outbox.CountAsync(default) == 0, Cluster.Timeout, "outbox drained", cluster.Tails);
        await cluster.WaitForPollsAsync("TO", 2);

        var duplicates = slots.Sum(s => cluster.CountsByChat(Cluster.SlotText(s)).Values.Sum(n => n - 1));
        output.WriteLine($"SIGKILL with {pending} of {total} outbox rows left ({pendingAfterKill} after the kill), {deliveredAtKill} of {total} delivered; duplicates {duplicates}");
        Assert.True(duplicates <= batch, $"{duplicates} duplicates, more than one relay batch ({batch}).");
        Assert.False(restarted.HasExited, restarted.Tail);
    }

    private async Task WaitAllDeliveredAsync(Cluster cluster, IReadOnlyList<long> chats, IReadOnlyList<SlotKey> slots)
    {
        foreach (var slot in slots)
        {
            var text = Cluster.SlotText(slot);
            await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count == chats.Count, Cluster.Timeout, $"{slot} delivered to every subscriber", cluster.Tails);
        }
    }

    private static async Task<long> PollsCompletedAsync(RoleProcess poller)
    {
        var health = await poller.GetHealthAsync();
        return health?.Body.GetProperty("components").GetProperty("poller").GetProperty("data").GetProperty("pollsCompleted").GetInt64() ?? -1;
    }

    /// <summary>The most sends in any one-second window starting at a send.</summary>
    private static (int Count, DateTimeOffset At) PeakPerSecond(IReadOnlyList<DateTimeOffset> sorted)
    {
        var best = (0, DateTimeOffset.MinValue);
        var j = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            while (j < sorted.Count && sorted[j] - sorted[i] < TimeSpan.FromSeconds(1)) j++;
            if (j - i > best.Item1) best = (j - i, sorted[i]);
        }
        return best;
    }
}

/// <summary>Timestamps each poll of the given provinces as the simulator records it (sampled every 10 ms).</summary>
internal sealed class PollWatcher : IDisposable
{
    private readonly Cluster _cluster;
    private readonly string[] _provinces;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Count, TimeSpan At)>> _polls = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PollWatcher(Cluster cluster, string[] provinces)
    {
        _cluster = cluster;
        _provinces = provinces;
        foreach (var p in provinces) _polls[p] = new();
        _loop = Task.Run(LoopAsync);
    }

    public TimeSpan Now => _clock.Elapsed;

    public Dictionary<string, int> Counts() => _provinces.ToDictionary(p => p, p => _cluster.Simulator.Calls.OfficeListCalls(p));

    public TimeSpan? FirstPollAfter(string province, TimeSpan at) =>
        _polls[province].Where(x => x.At > at).Select(x => (TimeSpan?)x.At).FirstOrDefault();

    private async Task LoopAsync()
    {
        var last = Counts();
        while (!_stop.IsCancellationRequested)
        {
            var now = Counts();
            foreach (var p in _provinces)
                if (now[p] > last[p]) _polls[p].Enqueue((now[p], _clock.Elapsed));
            last = now;
            try { await Task.Delay(10, _stop.Token); } catch (OperationCanceledException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}

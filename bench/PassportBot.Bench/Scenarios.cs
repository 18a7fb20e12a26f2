using System.Diagnostics;
using System.Text.RegularExpressions;
using PassportBot.Domain;
using PassportBot.Testing;
using static PassportBot.Bench.Util;

namespace PassportBot.Bench;

public sealed record FanOutStats(
    int Expected, int Delivered, int DistinctChats, int Duplicates, int Lost,
    double EndToEndSeconds, double PreDispatchSeconds, double DispatchSeconds,
    double EndToEndRate, double DispatchRate,
    double? HandlerCommitSeconds, double? RelayDrainedSeconds, int TooManyRequests, bool TimedOut)
{
    public string Describe() =>
        $"delivered {Delivered}/{Expected} (distinct chats {DistinctChats}, duplicates {Duplicates}, lost {Lost}); " +
        $"poll→last send {EndToEndSeconds:0.000} s = {EndToEndRate:0} msg/s end to end; " +
        $"poll→first send {PreDispatchSeconds:0.000} s (handler+outbox+relay; outbox rows visible at +{Opt(HandlerCommitSeconds)} s, outbox drained at +{Opt(RelayDrainedSeconds)} s); " +
        $"first→last send {DispatchSeconds:0.000} s = {DispatchRate:0} msg/s (dispatcher share {100 * DispatchSeconds / EndToEndSeconds:0}% of the time); 429s {TooManyRequests}" +
        (TimedOut ? "; TIMED OUT" : "");

    private static string Opt(double? v) => v is { } x ? x.ToString("0.000", Inv) : "n/a";
}

public static partial class Scenarios
{
    /// <summary>Subscribes the chats, waits until their provinces are polled, adds one new slot per province at
    /// once and measures from the poll that saw it (slot first_seen = AvailabilityUpdate.PolledAt) to the last
    /// sendMessage that reached the fake Bot API server.</summary>
    public static async Task<FanOutStats> FanOutAsync(Stack stack, IReadOnlyList<(long ChatId, string Province)> subscriptions, TimeSpan timeout,
        Action? slotAdding = null, Action? allSent = null)
    {
        var provinces = subscriptions.Select(s => s.Province).Distinct().ToList();
        var sw = Stopwatch.StartNew();
        await stack.SubscribeManyAsync(subscriptions);
        Log($"subscribed {subscriptions.Count} chats over {provinces.Count} province(s) through ISubscriptionStore in {sw.Elapsed.TotalSeconds:0.0} s");
        if (!await stack.WaitPolledAsync(provinces, 2, TimeSpan.FromSeconds(60))) Log("warning: not every province was polled twice within 60 s");

        var chats = subscriptions.Select(s => s.ChatId).ToHashSet();
        var before = stack.Telegram.Calls.Count;
        var tooManyBefore = stack.Telegram.TooManyRequestsSent;
        var date = stack.Simulator.World.Today.AddDays(30);
        var time = new TimeOnly(9, 0);
        var offices = provinces.Select(stack.Office).ToList();

        using var sampling = new CancellationTokenSource();
        var sampler = stack.Db.SampleOutboxAsync(TimeSpan.FromMilliseconds(20), sampling.Token);
        slotAdding?.Invoke();
        foreach (var office in offices) stack.Simulator.World.AddSlot(office, date, time, 3);
        Log($"added 1 slot in each of {offices.Count} office(s); waiting for {subscriptions.Count} messages");

        int Count() => stack.Telegram.Calls.Skip(before).Count(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && chats.Contains(id));
        var done = await WaitAsync(() => Count() >= subscriptions.Count, timeout, TimeSpan.FromMilliseconds(250));
        allSent?.Invoke();
        // Late duplicates (a relay lease expiring, a redelivery) would show up in the next seconds.
        await Task.Delay(TimeSpan.FromSeconds(3));
        await sampling.CancelAsync();
        var samples = await sampler;

        var sends = stack.Telegram.Calls.Skip(before).Where(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && chats.Contains(id)).OrderBy(c => c.At).ToList();
        var firstSeenMap = stack.Db.FirstSeen(date.ToString("yyyy-MM-dd", Inv));
        var polls = offices.Select(o => firstSeenMap.TryGetValue((o, date.ToString("yyyy-MM-dd", Inv), time.ToString("HH:mm", Inv)), out var ms) ? ms : (long?)null).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (polls.Count == 0 || sends.Count == 0)
            return new FanOutStats(subscriptions.Count, sends.Count, 0, 0, subscriptions.Count, double.NaN, double.NaN, double.NaN, 0, 0, null, null, stack.Telegram.TooManyRequestsSent - tooManyBefore, !done);
        var polledAt = DateTimeOffset.FromUnixTimeMilliseconds(polls.Min());
        var first = sends[0].At;
        var last = sends[^1].At;
        var perChat = sends.GroupBy(c => c.ChatId!.Value).ToDictionary(g => g.Key, g => g.Count());
        var duplicates = perChat.Values.Sum(n => n - 1);
        var lost = chats.Count(c => !perChat.ContainsKey(c));

        double? committed = null, drained = null;
        var firstNonZero = samples.FindIndex(s => s.Count > 0);
        if (firstNonZero >= 0)
        {
            committed = (samples[firstNonZero].At - polledAt).TotalSeconds;
            var zero = samples.Skip(firstNonZero).FirstOrDefault(s => s.Count == 0);
            if (zero != default) drained = (zero.At - polledAt).TotalSeconds;
        }
        var e2e = (last - polledAt).TotalSeconds;
        var dispatch = (last - first).TotalSeconds;
        return new FanOutStats(subscriptions.Count, sends.Count, perChat.Count, duplicates, lost,
            e2e, (first - polledAt).TotalSeconds, dispatch,
            sends.Count / e2e, dispatch > 0 ? (sends.Count - 1) / dispatch : double.NaN,
            committed, drained, stack.Telegram.TooManyRequestsSent - tooManyBefore, !done);
    }

    public sealed record LatencyStats(int Samples, int Expected, double P50, double P95, double P99, double Max, double Min, double Mean)
    {
        public string Describe() => $"{Samples}/{Expected} samples: p50 {Ms(P50)}, p95 {Ms(P95)}, p99 {Ms(P99)}, min {Ms(Min)}, mean {Ms(Mean)}, max {Ms(Max)}";
    }

    [GeneratedRegex(@"(\d\d/\d\d/\d{4}) ore (\d\d:\d\d)")]
    private static partial Regex SlotLine();

    /// <summary>One subscriber per province; each round adds one new slot to one office of every province, then
    /// waits for all its messages. Latency of each = arrival of its sendMessage at the fake − the first_seen of its
    /// slot (the AvailabilityUpdate's PolledAt).</summary>
    public static async Task<LatencyStats> LatencyAsync(Stack stack, int provinceCount, int rounds, long chatBase)
    {
        var provinces = ProvinceCatalog.QuesturaCodes.Where(p => stack.Simulator.World.OfficesIn(p).Count > 0).Take(provinceCount).ToList();
        var officeOf = provinces.ToDictionary(p => p, stack.Office);
        var chatOf = provinces.Select((p, i) => (p, chat: chatBase + i)).ToDictionary(x => x.p, x => x.chat);
        var provinceOfChat = chatOf.ToDictionary(kv => kv.Value, kv => kv.Key);
        await stack.SubscribeManyAsync(chatOf.Select(kv => (kv.Value, kv.Key)).ToList());
        if (!await stack.WaitPolledAsync(provinces, 2, TimeSpan.FromSeconds(60))) Log("warning: not every province was polled twice within 60 s");

        var before = stack.Telegram.Calls.Count;
        var date = stack.Simulator.World.Today.AddDays(20);
        int Count() => stack.Telegram.Calls.Skip(before).Count(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && provinceOfChat.ContainsKey(id));
        var timeouts = 0;
        var sw = Stopwatch.StartNew();
        for (var r = 0; r < rounds; r++)
        {
            var time = new TimeOnly(6, 0).AddMinutes(r);
            foreach (var p in provinces) stack.Simulator.World.AddSlot(officeOf[p], date, time, 1);
            if (!await WaitAsync(() => Count() >= (r + 1) * provinces.Count, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20))) timeouts++;
            if ((r + 1) % 10 == 0) Log($"round {r + 1}/{rounds}: {Count()} messages, {sw.Elapsed.TotalSeconds:0} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(2));
        if (timeouts > 0) Log($"warning: {timeouts} round(s) timed out");

        var firstSeen = stack.Db.FirstSeen(date.ToString("yyyy-MM-dd", Inv));
        var latencies = new List<double>();
        foreach (var call in stack.Telegram.Calls.Skip(before).Where(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && provinceOfChat.ContainsKey(id)))
        {
            var office = officeOf[provinceOfChat[call.ChatId!.Value]];
            foreach (Match m in SlotLine().Matches(call.Text ?? ""))
            {
                var d = DateOnly.ParseExact(m.Groups[1].Value, "dd/MM/yyyy", Inv).ToString("yyyy-MM-dd", Inv);
                if (firstSeen.TryGetValue((office, d, m.Groups[2].Value), out var ms))
                    latencies.Add((call.At - DateTimeOffset.FromUnixTimeMilliseconds(ms)).TotalMilliseconds);
            }
        }
        latencies.Sort();
        return new LatencyStats(latencies.Count, rounds * provinces.Count,
            Percentile(latencies, 50), Percentile(latencies, 95), Percentile(latencies, 99),
            latencies.Count > 0 ? latencies[^1] : double.NaN, latencies.Count > 0 ? latencies[0] : double.NaN,
            latencies.Count > 0 ? latencies.Average() : double.NaN);
    }

    public static List<(long, string)> Chats(long first, int count, IReadOnlyList<string> provinces) =>
        Enumerable.Range(0, count).Select(i => (first + i, provinces[i % provinces.Count])).ToList();
}

/// <summary>Spans of this process (the embedded shape only: the scale-out roles run in other processes): the
/// handler's "apply poll" span (the poll's transaction), and every span of the announcing polls' traces, so a round
/// can say where its first message spent the time between the poll and the send.</summary>
public sealed class HandlerTimer : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly System.Collections.Concurrent.ConcurrentQueue<(DateTimeOffset End, double Ms, int Announced, ActivityTraceId Trace)> _spans = new();
    private static readonly string[] Stages = ["poll", "send new_availabilities", "process new_availabilities", "apply poll", "outbox write", "fan-out", "outbox relay", "send message", "process message", "send telegram"];

    // Only the earliest span of each stage per trace: a fan-out's thousands of sends need not be kept.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ActivityTraceId Trace, string Name), (DateTime Start, TimeSpan Duration, (string Name, DateTimeOffset At)[] Events)> _first = new();

    public HandlerTimer()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PassportBot.Observability.PassportBotTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> o) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (Stages.Contains(a.OperationName))
                {
                    var span = (a.StartTimeUtc, a.Duration, a.Events.Select(e => (e.Name, e.Timestamp)).ToArray());
                    _first.AddOrUpdate((a.TraceId, a.OperationName), span, (_, kept) => span.StartTimeUtc < kept.Start ? span : kept);
                }
                if (a.OperationName != "apply poll") return;
                var announced = a.GetTagItem(PassportBot.Observability.TelemetryTags.SlotsAnnounced) is int n ? n : 0;
                _spans.Enqueue((new DateTimeOffset(a.StartTimeUtc + a.Duration, TimeSpan.Zero), a.Duration.TotalMilliseconds, announced, a.TraceId));
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<(DateTimeOffset End, double Ms, int Announced, ActivityTraceId Trace)> Spans => _spans.ToArray();

    /// <summary>The first span of each name in <paramref name="trace"/>, as (start, end) in ms after <paramref name="origin"/>,
    /// in the order the first message goes through them.</summary>
    public string Path(ActivityTraceId trace, DateTimeOffset origin)
    {
        var parts = new List<string>();
        foreach (var name in Stages)
        {
            if (!_first.TryGetValue((trace, name), out var first)) continue;
            var start = (new DateTimeOffset(first.Start, TimeSpan.Zero) - origin).TotalMilliseconds;
            var events = string.Concat(first.Events.Select(e => string.Create(System.Globalization.CultureInfo.InvariantCulture, $" ({e.Name} {(e.At - origin).TotalMilliseconds:+0.0;-0.0})")));
            parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} {start:+0.0;-0.0}..{start + first.Duration.TotalMilliseconds:+0.0;-0.0}{events}"));
        }
        return string.Join(" | ", parts);
    }

    public void Dispose() => _listener.Dispose();
}

public sealed record FilteredRound(int Round, DateTimeOffset PolledAt, double FirstMs, double LastMs, int Delivered, int Wanted, int Duplicates, int Lost, int Unwanted, double? HandlerMs);

public sealed record FilteredStats(int Subscribers, int Wanted, IReadOnlyList<FilteredRound> Rounds, int Planned, double? IdleHandlerMedianMs)
{
    public bool Exact => Rounds.Count > 0 && Rounds.All(r => r.Delivered == r.Wanted && r.Duplicates == 0 && r.Lost == 0 && r.Unwanted == 0);
    public List<double> First => Rounds.Select(r => r.FirstMs).Order().ToList();
    public List<double> Last => Rounds.Select(r => r.LastMs).Order().ToList();
    public List<double> Handler => Rounds.Where(r => r.HandlerMs is not null).Select(r => r.HandlerMs!.Value).Order().ToList();
}

public static partial class Scenarios
{
    /// <summary>The filtered fan-out: <paramref name="subscribers"/> chats follow TO, every other one with a /before filter
    /// that excludes every new slot; then one new slot per round, one round after the other, each waited for until its
    /// messages arrived. Per round: poll (slot first_seen) → first and → last sendMessage of that slot at the fake,
    /// and who got it (exactly the unfiltered half, once each).</summary>
    public static async Task<FilteredStats> FilteredRoundsAsync(Stack stack, int subscribers, int rounds, TimeSpan budget, long chatBase, HandlerTimer? timer)
    {
        var today = stack.Simulator.World.Today;
        var excluded = today.AddDays(1).ToString("yyyy-MM-dd", Inv);
        var rows = Enumerable.Range(0, subscribers).Select(i => (chatBase + i, "TO", i % 2 == 0 ? null : excluded)).ToList();
        var wanted = rows.Where(r => r.Item3 is null).Select(r => r.Item1).ToHashSet();
        var all = rows.Select(r => r.Item1).ToHashSet();
        var sw = Stopwatch.StartNew();
        await stack.Db.InsertAsync(rows);
        Log($"inserted {subscribers} TO subscribers ({wanted.Count} unfiltered, {subscribers - wanted.Count} with /before {excluded}) in {sw.Elapsed.TotalSeconds:0.0} s");
        if (!await stack.WaitPolledAsync(["TO"], 2, TimeSpan.FromSeconds(60))) Log("warning: TO was not polled twice within 60 s");

        var office = stack.Office("TO");
        var date = today.AddDays(30);
        var dateText = date.ToString("dd/MM/yyyy", Inv);
        var results = new List<FilteredRound>();
        var budgetClock = Stopwatch.StartNew();
        for (var r = 0; r < rounds && budgetClock.Elapsed < budget; r++)
        {
            var time = new TimeOnly(6, 0).AddMinutes(r);
            var needle = $"{dateText} ore {time:HH:mm}";
            var start = stack.Telegram.Calls.Count;
            var roundStart = DateTimeOffset.UtcNow;
            stack.Simulator.World.AddSlot(office, date, time, 3);
            bool Mine(BotApiCall c) => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && all.Contains(id) && (c.Text ?? "").Contains(needle, StringComparison.Ordinal);
            var done = await WaitAsync(() => stack.Telegram.Calls.Skip(start).Count(Mine) >= wanted.Count, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(20));
            // Stragglers (duplicates, filtered chats wrongly messaged) would arrive right after.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            var sends = stack.Telegram.Calls.Skip(start).Where(Mine).OrderBy(c => c.At).ToList();
            var firstSeen = stack.Db.FirstSeen(date.ToString("yyyy-MM-dd", Inv));
            if (!firstSeen.TryGetValue((office, date.ToString("yyyy-MM-dd", Inv), time.ToString("HH:mm", Inv)), out var polledMs) || sends.Count == 0)
            {
                Log($"round {r + 1}: no slot row or no sends (timed out: {!done})");
                continue;
            }
            var polledAt = DateTimeOffset.FromUnixTimeMilliseconds(polledMs);
            var perChat = sends.GroupBy(c => c.ChatId!.Value).ToDictionary(g => g.Key, g => g.Count());
            var announcing = timer?.Spans.Where(s => s.Announced > 0 && s.End >= roundStart).Select(s => ((double Ms, ActivityTraceId Trace)?)(s.Ms, s.Trace)).FirstOrDefault();
            var handler = announcing?.Ms;
            if (announcing is { } a) Log($"round {r + 1} path after the poll (ms): {timer!.Path(a.Trace, polledAt)}");
            results.Add(new FilteredRound(r + 1, polledAt,
                (sends[0].At - polledAt).TotalMilliseconds, (sends[^1].At - polledAt).TotalMilliseconds,
                sends.Count, wanted.Count, perChat.Values.Sum(n => n - 1), wanted.Count(c => !perChat.ContainsKey(c)),
                perChat.Keys.Count(c => !wanted.Contains(c)), handler));
            var last = results[^1];
            Log($"round {r + 1}: first send +{last.FirstMs:0.0} ms, last +{last.LastMs:0} ms, {last.Delivered}/{last.Wanted} (dup {last.Duplicates}, lost {last.Lost}, filtered-out chats messaged {last.Unwanted}), handler {(handler is null ? "n/a" : handler.Value.ToString("0.0", Inv) + " ms")}; load {Machine.LoadAverage()}{(done ? "" : " TIMED OUT")}");
        }
        var idle = timer?.Spans.Where(s => s.Announced == 0).Select(s => s.Ms).Order().ToList();
        return new FilteredStats(subscribers, wanted.Count, results, rounds, idle is { Count: > 0 } ? Percentile(idle, 50) : null);
    }
}

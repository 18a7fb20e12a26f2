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
    public static async Task<FanOutStats> FanOutAsync(Stack stack, IReadOnlyList<(long ChatId, string Province)> subscriptions, TimeSpan timeout)
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
        foreach (var office in offices) stack.Simulator.World.AddSlot(office, date, time, 3);
        Log($"added 1 slot in each of {offices.Count} office(s); waiting for {subscriptions.Count} messages");

        int Count() => stack.Telegram.Calls.Skip(before).Count(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && chats.Contains(id));
        var done = await WaitAsync(() => Count() >= subscriptions.Count, timeout, TimeSpan.FromMilliseconds(250));
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

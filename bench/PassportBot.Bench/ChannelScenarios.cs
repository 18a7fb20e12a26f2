using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using PassportBot.Testing;
using static PassportBot.Bench.Util;

namespace PassportBot.Bench;

/// <summary>Province channels: one province (TO) with 10,000 direct subscribers and one channel. "ch-dm" and
/// "ch-dm-channel" measure the direct-message fan-out of one slot without and with the channel (rate limit off, as
/// 2a); "ch-latency" measures, at the production rate of 25 msg/s and behind that fan-out's backlog, the channel
/// post's and a webhook's latency after the poll over 100 new slots. The same three on the scale-out shape (one
/// process per role, RabbitMQ + MariaDB) are "ch-dm-rmq", "ch-dm-channel-rmq" and "ch-latency-rmq".</summary>
public static partial class ChannelScenarios
{
    public const long ChannelId = -1001000000001;
    public static readonly string[] All = ["ch-dm", "ch-dm-channel", "ch-latency"];

    /// <summary>The same scenarios on RabbitMQ + MariaDB, one process per role (<c>channels-rmq</c>, not in <c>channels</c>).</summary>
    public static readonly string[] OnRabbitMq = ["ch-dm-rmq", "ch-dm-channel-rmq", "ch-latency-rmq"];

    /// <summary>Diagnostic, not in <see cref="All"/>: ch-latency with the dispatcher's window cut to 24 messages (the
    /// prefetch it had before it served priority messages first), so the posts queue behind the direct messages.</summary>
    public const string WithoutPriority = "ch-latency-window24";

    [GeneratedRegex(@"(\d\d/\d\d/\d{4}) ore (\d\d:\d\d)")]
    private static partial Regex SlotLine();

    public static Task RunAsync(string scenario, List<Result> results) => scenario switch
    {
        "ch-dm" => DirectFanOutAsync(withChannel: false, results, Embedded),
        "ch-dm-channel" => DirectFanOutAsync(withChannel: true, results, Embedded),
        "ch-latency" => LatencyAsync(results, window: null, Embedded),
        WithoutPriority => LatencyAsync(results, window: 24, Embedded),
        "ch-dm-rmq" => DirectFanOutAsync(withChannel: false, results, ScaleOut),
        "ch-dm-channel-rmq" => DirectFanOutAsync(withChannel: true, results, ScaleOut),
        "ch-latency-rmq" => LatencyAsync(results, window: null, ScaleOut),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    private static Dictionary<string, string?> ChannelSettings() => new()
    {
        ["Telegram:Channels:TO"] = ChannelId.ToString(CultureInfo.InvariantCulture),
    };

    private static async Task<Stack> Embedded(Dictionary<string, string?>? settings) => await EmbeddedStack.StartAsync(settings);

    private static async Task<Stack> ScaleOut(Dictionary<string, string?>? settings) => await ScaleOutStack.StartAsync(1, 1, settings);

    private static string Shape(Stack stack) => stack is ScaleOutStack ? " [RabbitMQ + MariaDB, process per role]" : "";

    private static async Task DirectFanOutAsync(bool withChannel, List<Result> results, Func<Dictionary<string, string?>?, Task<Stack>> start)
    {
        var load = Machine.LoadAverage();
        await using var stack = await start(withChannel ? ChannelSettings() : null);
        var callsBefore = stack.Telegram.Calls.Count;
        var stats = await Scenarios.FanOutAsync(stack, Scenarios.Chats(5_000_000, 10_000, ["TO"]), TimeSpan.FromMinutes(3));
        Log("fan-out: " + stats.Describe());
        var post = stack.Telegram.Calls.Skip(callsBefore).FirstOrDefault(c => c.Is("sendMessage") && c.Succeeded && c.ChatId == ChannelId);
        string channel = "no channel";
        if (withChannel)
        {
            var firstSeen = stack.Db.FirstSeen(stack.Simulator.World.Today.AddDays(30).ToString("yyyy-MM-dd", Inv));
            var seen = firstSeen.Where(kv => kv.Key.Item1 == stack.Office("TO")).Select(kv => kv.Value).DefaultIfEmpty(0).Min();
            channel = post is null || seen == 0
                ? "channel post NOT seen"
                : $"channel post {(post.At - DateTimeOffset.FromUnixTimeMilliseconds(seen)).TotalMilliseconds:0} ms after the poll";
        }
        results.Add(new Result(
            (withChannel ? "ch-dm-channel: 1 slot → 10,000 DMs + 1 channel post, rate limit off" : "ch-dm: 1 slot → 10,000 DMs, no channel, rate limit off") + Shape(stack),
            "DM first/last send unchanged by the channel",
            $"poll→first DM {stats.PreDispatchSeconds:0.000} s, poll→last DM {stats.EndToEndSeconds:0.000} s; {channel}",
            null,
            $"delivered {stats.Delivered}/{stats.Expected}, duplicates {stats.Duplicates}, lost {stats.Lost}; load {load} → {Machine.LoadAverage()}"));
    }

    private static async Task LatencyAsync(List<Result> results, int? window, Func<Dictionary<string, string?>?, Task<Stack>> start)
    {
        var load = Machine.LoadAverage();
        await using var receiver = await FakeHttpReceiver.StartAsync();
        var settings = ChannelSettings();
        settings["Telegram:RateLimitEnabled"] = "true";
        settings["Telegram:MaxMessagesPerSecond"] = "25";
        settings["Notifications:Webhooks:bench:Url"] = receiver.BaseUrl.TrimEnd('/') + "/hook";
        settings["Notifications:Webhooks:bench:Secret"] = "bench-secret";
        settings["Notifications:Webhooks:bench:Provinces:0"] = "TO";
        if (window is { } w) settings["Telegram:DispatcherWindow"] = w.ToString(CultureInfo.InvariantCulture);
        await using var stack = await start(settings);
        Log(stack.Label + ", rate limit 25 msg/s, channel " + ChannelId + ", one webhook receiver");

        var chats = Scenarios.Chats(6_000_000, 10_000, ["TO"]);
        await stack.SubscribeManyAsync(chats);
        // The 100 measured slots have 1 place: filtered out for the subscribers (≥ 3 places), so the direct messages
        // stay the backlog of the first slot while the channel and the webhook get every slot.
        using (var c = stack.Db.Open())
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE users SET filter_min_places = 3";
            cmd.ExecuteNonQuery();
        }
        if (!await stack.WaitPolledAsync(["TO"], 2, TimeSpan.FromSeconds(60))) Log("warning: TO not polled twice within 60 s");

        var chatSet = chats.Select(c => c.Item1).ToHashSet();
        var before = stack.Telegram.Calls.Count;
        int DmCount() => stack.Telegram.Calls.Skip(before).Count(c => c.Is("sendMessage") && c.Succeeded && c.ChatId is { } id && chatSet.Contains(id));
        var office0 = stack.Office("TO");
        stack.Simulator.World.AddSlot(office0, stack.Simulator.World.Today.AddDays(30), new TimeOnly(9, 0), 3);
        if (!await WaitAsync(() => DmCount() >= 50, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(50))) Log("warning: the DM fan-out did not start");
        Log($"DM backlog started: {DmCount()} of 10,000 sent");

        var offices = stack.Simulator.World.OfficesIn("TO").OrderBy(o => o.Id).Select(o => o.Id).ToList();
        foreach (var o in offices) stack.Simulator.World.SetBookableFrom(o, TimeOnly.MinValue);
        var baseDate = stack.Simulator.World.Today.AddDays(40);
        var expected = new HashSet<(int Office, string Date, string Time)>();
        for (var round = 0; round < 10; round++)
        {
            var office = offices[round % offices.Count];
            var date = baseDate.AddDays(round);
            for (var i = 0; i < 10; i++)
            {
                var time = new TimeOnly(7, 0).AddMinutes(10 * i);
                stack.Simulator.World.AddSlot(office, date, time, 1);
                expected.Add((office, date.ToString("yyyy-MM-dd", Inv), time.ToString("HH:mm", Inv)));
            }
            var posted = Posted(stack).Count;
            await WaitAsync(() => Posted(stack).Count >= (round + 1) * 10, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
            // Within the channel's 20 posts a minute: one post per round, rounds at least 3 s apart.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Log($"round {round + 1}/10: {Posted(stack).Count} slots posted to the channel, {DmCount()} DMs sent so far");
        }
        // One webhook request per office per poll: the first slot's, then one per round.
        await WaitAsync(() => receiver.Requests.Count >= 11, TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50));
        var dmsDuring = DmCount();

        var firstSeen = new Dictionary<(int, string, string), long>();
        for (var round = 0; round < 10; round++)
            foreach (var kv in stack.Db.FirstSeen(baseDate.AddDays(round).ToString("yyyy-MM-dd", Inv))) firstSeen[kv.Key] = kv.Value;

        var channel = new List<double>();
        foreach (var (key, at) in Posted(stack))
            if (expected.Contains(key) && firstSeen.TryGetValue(key, out var ms)) channel.Add((at - DateTimeOffset.FromUnixTimeMilliseconds(ms)).TotalMilliseconds);
        channel.Sort();

        var webhook = new List<double>();
        foreach (var request in receiver.Requests)
        {
            using var doc = JsonDocument.Parse(request.Body);
            var root = doc.RootElement;
            if (root.GetProperty("event").GetString() != "slot.new") continue;
            var officeId = root.GetProperty("office").GetProperty("id").GetInt32();
            foreach (var slot in root.GetProperty("slots").EnumerateArray())
            {
                var key = (officeId, slot.GetProperty("date").GetString()!, slot.GetProperty("time").GetString()!);
                if (expected.Contains(key) && firstSeen.TryGetValue(key, out var ms)) webhook.Add((request.At - DateTimeOffset.FromUnixTimeMilliseconds(ms)).TotalMilliseconds);
            }
        }
        webhook.Sort();

        var end = Machine.LoadAverage();
        Log($"channel: {channel.Count}/100 slots, p50 {Ms(Percentile(channel, 50))}, p99 {Ms(Percentile(channel, 99))}, max {Ms(channel.LastOrDefault())}");
        Log($"webhook: {webhook.Count}/100 slots, p50 {Ms(Percentile(webhook, 50))}, p99 {Ms(Percentile(webhook, 99))}, max {Ms(webhook.LastOrDefault())}");
        var p99 = Percentile(channel, 99);
        var name = (window is null ? "ch-latency" : $"{WithoutPriority} (dispatcher window {window})") + Shape(stack);
        results.Add(new Result($"{name}: channel post after the poll, 100 new slots, 25 msg/s, behind a 10,000-DM fan-out",
            "p99 ≤ 1 s",
            $"{channel.Count}/100 slots: p50 {Ms(Percentile(channel, 50))}, p99 {Ms(p99)}, max {Ms(channel.LastOrDefault())}",
            channel.Count == 100 && p99 <= 1000,
            $"{dmsDuring} of the 10,000 DMs sent by the end (the rest still queued ahead of the posts); load {load} → {end}"));
        results.Add(new Result($"{name}: webhook delivery after the poll, same 100 slots, one local receiver",
            "—",
            $"{webhook.Count}/100 slots: p50 {Ms(Percentile(webhook, 50))}, p99 {Ms(Percentile(webhook, 99))}, max {Ms(webhook.LastOrDefault())}",
            null, "FakeHttpReceiver on 127.0.0.1, answering 200 at once"));
    }

    /// <summary>Each slot (office, date, time) seen in a channel post, with the post's arrival at the fake.</summary>
    private static List<((int, string, string) Key, DateTimeOffset At)> Posted(Stack stack)
    {
        var list = new List<((int, string, string), DateTimeOffset)>();
        var officeByCode = stack.Simulator.World.OfficesIn("TO").ToDictionary(o => o.Code, o => o.Id);
        foreach (var call in stack.Telegram.Calls.Where(c => c.Is("sendMessage") && c.Succeeded && c.ChatId == ChannelId))
        {
            var text = call.Text ?? "";
            var office = officeByCode.FirstOrDefault(kv => text.Contains(kv.Key + " - ", StringComparison.Ordinal)).Value;
            foreach (Match m in SlotLine().Matches(text))
            {
                var d = DateOnly.ParseExact(m.Groups[1].Value, "dd/MM/yyyy", Inv).ToString("yyyy-MM-dd", Inv);
                list.Add(((office, d, m.Groups[2].Value), call.At));
            }
        }
        return list;
    }
}

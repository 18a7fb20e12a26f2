using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using PassportBot.Domain;
using PassportBot.Testing;
using static PassportBot.Bench.Util;

namespace PassportBot.Bench;

public static class Program
{
    private static readonly string[] EmbeddedGroup = ["fake", "2a", "2b", "2c", "2d"];
    private static readonly string[] ScaleOutGroup = ["3a", "3b", "3c"];
    private static readonly string[] FilteredGroup = ["7a", "7b", "7c"];
    private static readonly List<Result> Results = [];
    private static FanOutStats? _embedded10k;

    public static async Task<int> Main(string[] args)
    {
        try
        {
            await WarmFakesAsync();
            return await RunScenariosAsync(args);
        }
        finally { JitProfiles.Delete(); }
    }

    /// <summary>Runs the bench's own fake Bot API once (getMe, sendMessage) before anything is measured: the fake
    /// runs in this process, and its first sendMessage would otherwise add its own compilation to the first
    /// round's poll → first send, which is meant to measure the product's.</summary>
    private static async Task WarmFakesAsync()
    {
        await using var telegram = await FakeBotApiServer.StartAsync();
        using var http = new HttpClient();
        var bot = $"{telegram.BaseUrl.TrimEnd('/')}/bot{telegram.Token}";
        (await http.PostAsync(bot + "/getMe", null)).EnsureSuccessStatusCode();
        using var body = new StringContent("""{"chat_id":1,"text":"<b>warm-up</b>","parse_mode":"HTML","link_preview_options":{"is_disabled":true}}""", Encoding.UTF8, "application/json");
        (await http.PostAsync(bot + "/sendMessage", body)).EnsureSuccessStatusCode();
    }

    private static async Task<int> RunScenariosAsync(string[] args)
    {
        var requested = args.Length == 0 ? ["all"] : args.Select(a => a.Trim().ToLowerInvariant()).ToArray();
        var scenarios = requested.SelectMany(a => a switch
        {
            "all" => EmbeddedGroup.Concat(ScaleOutGroup),
            "embedded" => EmbeddedGroup,
            "scale-out" => ScaleOutGroup,
            "filtered" => FilteredGroup,
            "2c-5prov" or "2c-conc32" => [a],
            "channels" => ChannelScenarios.All,
            "channels-rmq" => ChannelScenarios.OnRabbitMq,
            _ when ChannelScenarios.All.Contains(a) || ChannelScenarios.OnRabbitMq.Contains(a) || a == ChannelScenarios.WithoutPriority => [a],
            _ when EmbeddedGroup.Contains(a) || ScaleOutGroup.Contains(a) || FilteredGroup.Contains(a) => [a],
            _ => throw new ArgumentException($"Unknown scenario '{a}'. Use one or more of: {string.Join(", ", EmbeddedGroup.Concat(ScaleOutGroup).Concat(FilteredGroup).Concat(ChannelScenarios.All).Concat(ChannelScenarios.OnRabbitMq))}, {ChannelScenarios.WithoutPriority}, embedded, scale-out, filtered, channels, channels-rmq, all."),
        }).Distinct().ToList();

        var startedAt = DateTimeOffset.UtcNow;
        var factsAtStart = Machine.Facts();
        Console.WriteLine($"PassportBot bench, {startedAt:yyyy-MM-dd HH:mm} UTC, scenarios: {string.Join(", ", scenarios)}");
        Console.WriteLine($"machine at start: {factsAtStart}");
        Console.WriteLine($"settings from the environment: {Machine.Overrides()}");
        var total = Stopwatch.StartNew();
        foreach (var s in scenarios)
        {
            Console.WriteLine();
            Log($"=== scenario {s} (load average {Machine.LoadAverage()}) ===");
            var sw = Stopwatch.StartNew();
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(6));
                var run = Run(s);
                var finished = await Task.WhenAny(run, Task.Delay(Timeout.Infinite, limit.Token).ContinueWith(_ => { }));
                if (finished != run) Results.Add(new Result(s, "", "did not finish within 6 minutes", false, ""));
                else await run;
            }
            catch (Exception e)
            {
                Log($"scenario {s} failed: {e}");
                Results.Add(new Result(s, "", "FAILED: " + e.GetType().Name + ": " + e.Message.Split('\n')[0], false, ""));
            }
            Log($"scenario {s} took {sw.Elapsed.TotalSeconds:0} s; {Machine.BenchMemory()}");
        }

        var report = Report(startedAt, factsAtStart, total.Elapsed);
        Console.WriteLine();
        Console.WriteLine(report);
        try
        {
            var dir = Path.Combine(RepoRoot(), "bench", "results");
            Directory.CreateDirectory(dir);
            var file = Path.Combine(dir, $"{startedAt:yyyyMMdd-HHmm}-{string.Join("_", scenarios)}.md");
            await File.WriteAllTextAsync(file, report);
            Console.WriteLine($"(written to {file})");
        }
        catch (IOException e) { Console.WriteLine($"could not write the results file: {e.Message}"); }
        return Results.Any(r => r.Measured.StartsWith("FAILED", StringComparison.Ordinal)) ? 1 : 0;
    }

    private static string RepoRoot() => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Child.Executable()))))!
        is var cli ? Path.GetFullPath(Path.Combine(cli, "..", "..")) : "";

    private static string Report(DateTimeOffset startedAt, string factsAtStart, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## PassportBot bench, {startedAt:yyyy-MM-dd HH:mm} UTC ({elapsed.TotalMinutes:0.0} min)");
        sb.AppendLine();
        sb.AppendLine($"- machine at start: {factsAtStart}");
        sb.AppendLine($"- settings from the environment: {Machine.Overrides()}");
        sb.AppendLine($"- load average at end: {Machine.LoadAverage()}");
        sb.AppendLine($"- {Machine.BenchMemory()}");
        sb.AppendLine();
        sb.AppendLine("| scenario | target | measured | met? | notes |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in Results)
            sb.AppendLine($"| {r.Scenario} | {r.Target} | {r.Measured} | {(r.Met is null ? "n/a" : r.Met.Value ? "yes" : "**no**")} | {r.Notes} |");
        return sb.ToString();
    }

    private static Task Run(string scenario) => scenario switch
    {
        "fake" => FakeCeiling(),
        "2a" => EmbeddedFanOut(),
        "2b" => EmbeddedRateLimited(),
        "2c" => EmbeddedLatency(),
        "2c-5prov" => EmbeddedLatency("2c-5prov diagnostic: 5 provinces × 40 rounds", 5, 40, null),
        "2c-conc32" => EmbeddedLatency("2c-conc32 diagnostic: 25 × 40, Agenda:MaxConcurrency=32, Workers:PollConcurrency=32", 25, 40,
            new Dictionary<string, string?> { ["Agenda:MaxConcurrency"] = "32", ["Workers:PollConcurrency"] = "32" }),
        "2d" => PeakRss(),
        "3a" => ScaleOutFanOut(),
        "3b" => ScaleOutLatency(),
        "3c" => ScaleOutReplicas(),
        "7a" => FilteredEmbedded(),
        "7b" => FilteredScaleOut(),
        "7c" => FilteredEmbeddedRestarted(),
        _ when ChannelScenarios.All.Contains(scenario) || ChannelScenarios.OnRabbitMq.Contains(scenario) || scenario == ChannelScenarios.WithoutPriority
            => ChannelScenarios.RunAsync(scenario, Results),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    /// <summary>The harness's own ceiling: 10,000 sendMessage posted straight to the in-process fake Bot API server
    /// (64 in parallel, no product code), to tell the product's limits from the machine's.</summary>
    private static async Task FakeCeiling()
    {
        const int count = 10_000;
        await using var telegram = await FakeBotApiServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
        // Absolute: "bot<id>:<secret>" would parse as a URI scheme.
        var url = new Uri($"{telegram.BaseUrl.TrimEnd('/')}/bot{telegram.Token}/sendMessage");
        var text = new string('x', 300);
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (i, ct) =>
        {
            using var body = System.Net.Http.Json.JsonContent.Create(new { chat_id = 1_000_000 + i, text, parse_mode = "HTML" });
            using var response = await http.PostAsync(url, body, ct);
            response.EnsureSuccessStatusCode();
        });
        var rate = count / sw.Elapsed.TotalSeconds;
        Log($"fake Bot API server alone: {count} sendMessage in {sw.Elapsed.TotalSeconds:0.00} s = {rate:0} msg/s");
        Results.Add(new Result("fake Bot API server alone (harness ceiling, raw HttpClient ×64)", "—", $"{rate:0} msg/s", null,
            "same process and cores as the embedded scenarios: an upper bound for what any fan-out can show here"));
    }

    // ---- embedded ---------------------------------------------------------------------------------------------

    private static async Task<FanOutStats> Embedded10kAsync()
    {
        await using var stack = await EmbeddedStack.StartAsync();
        Log(stack.Label);
        var stats = await Scenarios.FanOutAsync(stack, Scenarios.Chats(1_000_000, 10_000, ["TO"]), TimeSpan.FromMinutes(3));
        Log("embedded fan-out: " + stats.Describe());
        _embedded10k = stats;
        return stats;
    }

    private static async Task EmbeddedFanOut()
    {
        var s = await Embedded10kAsync();
        Results.Add(new Result("2a embedded fan-out, 1 slot → 10,000 chats, rate limit off", "≥ 5,000 msg/s",
            $"{s.EndToEndRate:0} msg/s end to end", s.EndToEndRate >= 5000 && s.Lost == 0,
            $"poll→last {s.EndToEndSeconds:0.00} s; poll→first send {s.PreDispatchSeconds:0.00} s (outbox rows at +{s.HandlerCommitSeconds:0.00} s, drained +{s.RelayDrainedSeconds:0.00} s); " +
            $"dispatcher {s.DispatchRate:0} msg/s over {s.DispatchSeconds:0.00} s = {100 * s.DispatchSeconds / s.EndToEndSeconds:0}% of the time; delivered {s.Delivered}, dup {s.Duplicates}, lost {s.Lost}"));
    }

    private static async Task EmbeddedRateLimited()
    {
        const int configured = 25;
        await using var stack = await EmbeddedStack.StartAsync(new Dictionary<string, string?>
        {
            ["Telegram:RateLimitEnabled"] = "true",
            ["Telegram:MaxMessagesPerSecond"] = configured.ToString(Inv),
            ["Telegram:PaidBroadcast"] = "false",
        }, new FakeBotApiLimits { GlobalMessagesPerSecond = 30 });
        Log(stack.Label + "; fake enforces 30 msg/s, bot at 25 msg/s");
        var s = await Scenarios.FanOutAsync(stack, Scenarios.Chats(2_000_000, 1_500, ["TO"]), TimeSpan.FromMinutes(3));
        Log("rate-limited fan-out: " + s.Describe());
        var ratio = s.DispatchRate / configured;
        Results.Add(new Result("2b embedded, fake at 30 msg/s, bot at 25, 1,500 chats", "ratio ≥ 0.95, 0 × 429",
            $"{s.DispatchRate:0.00} msg/s ÷ 25 = {ratio:0.000}; {s.TooManyRequests} × 429", ratio >= 0.95 && s.TooManyRequests == 0 && s.Lost == 0,
            $"first→last send {s.DispatchSeconds:0.0} s for {s.Delivered} messages; end to end {s.EndToEndRate:0.00} msg/s; dup {s.Duplicates}, lost {s.Lost}"));
    }

    private static Task EmbeddedLatency() =>
        EmbeddedLatency("2c embedded latency PolledAt → first sendMessage at the fake", 25, 40, null);

    private static async Task EmbeddedLatency(string name, int provinces, int rounds, Dictionary<string, string?>? extra)
    {
        await using var stack = await EmbeddedStack.StartAsync(extra);
        Log(stack.Label + $"; Agenda:PollInterval 1 s, {provinces} provinces × {rounds} rounds");
        var l = await Scenarios.LatencyAsync(stack, provinces, rounds, 3_000_000);
        Log("embedded latency: " + l.Describe());
        Results.Add(new Result(name, "p99 ≤ 50 ms",
            $"p50 {Ms(l.P50)}, p95 {Ms(l.P95)}, p99 {Ms(l.P99)}", l.P99 <= 50 && l.Samples >= l.Expected,
            $"{l.Samples}/{l.Expected} samples, min {Ms(l.Min)}, max {Ms(l.Max)}; PolledAt is taken when the scan starts (before endpoint A/B requests)"));
    }

    /// <summary>Peak RSS of the real executable, <c>passportbot run</c>, with 100,000 subscriptions over the 107 provinces.</summary>
    private static async Task PeakRss()
    {
        const int subscriptions = 100_000;
        var simulator = new PassportBot.Agenda.Simulator.AgendaSimulator(new() { Seed = 7 });
        await simulator.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("passportbot-bench-rss-").FullName;
        Child? run = null;
        try
        {
            var dbPath = Path.Combine(folder, "passportbot.db");
            var settings = Stack.CommonSettings(simulator, telegram, folder);
            settings["Storage:Provider"] = "sqlite";
            settings["Storage:ConnectionString"] = $"Data Source={dbPath}";
            settings["Bus:Provider"] = "memory";
            settings["Agenda:PollInterval"] = "00:00:10";
            settings["Workers:PollerTick"] = "00:00:01";
            settings["Workers:PollJitter"] = "00:00:01";

            await using (var migrate = Child.Start("migrate", ["migrate"], settings, folder))
            {
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                await migrate.Process.WaitForExitAsync(wait.Token);
                if (migrate.Process.ExitCode != 0) throw new InvalidOperationException("passportbot migrate failed: " + migrate.Tail());
            }

            // 100,000 users, one province each, spread over the 107 provinces (each mapped to its Questura).
            var provinces = ProvinceCatalog.All.Select(p => p.QuesturaCode).ToList();
            var sw = Stopwatch.StartNew();
            await using (var c = new SqliteConnection($"Data Source={dbPath}"))
            {
                await c.OpenAsync();
                await using var tx = c.BeginTransaction();
                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                using var users = c.CreateCommand();
                users.Transaction = tx;
                users.CommandText = "INSERT INTO users (chat_id, language, active, deactivated_reason, created_at, updated_at) VALUES ($id, 'it', 1, NULL, $now, $now)";
                var uid = users.Parameters.Add("$id", SqliteType.Integer);
                users.Parameters.AddWithValue("$now", now);
                using var subs = c.CreateCommand();
                subs.Transaction = tx;
                subs.CommandText = "INSERT INTO subscriptions (chat_id, province, created_at) VALUES ($id, $p, $now)";
                var sid = subs.Parameters.Add("$id", SqliteType.Integer);
                var sp = subs.Parameters.Add("$p", SqliteType.Text);
                subs.Parameters.AddWithValue("$now", now);
                for (var i = 0; i < subscriptions; i++)
                {
                    uid.Value = sid.Value = 10_000_000L + i;
                    sp.Value = provinces[i % provinces.Count];
                    await users.ExecuteNonQueryAsync();
                    await subs.ExecuteNonQueryAsync();
                }
                await tx.CommitAsync();
            }
            SqliteConnection.ClearAllPools();
            var distinct = provinces.Distinct().ToList();
            Log($"inserted {subscriptions} subscriptions over {ProvinceCatalog.All.Count} provinces ({distinct.Count} Questura codes) in {sw.Elapsed.TotalSeconds:0.0} s");

            run = Child.Start("run", ["run"], settings, folder);
            var peakSamples = new List<double>();
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    try { peakSamples.Add(Machine.ProcStatus(run.Process.Id).RssMb); } catch (IOException) { }
                    try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            await run.WaitHealthyAsync(TimeSpan.FromSeconds(120));
            Log($"passportbot run (pid {run.Process.Id}) is up; waiting for every province to be polled");
            var stackView = new ProbeStack(simulator, telegram, folder);
            var polled = await stackView.WaitPolledAsync(distinct, 1, TimeSpan.FromSeconds(150));
            Log(polled ? "all provinces polled at least once" : "warning: not all provinces polled within 150 s");
            var (hwmBeforeFanOut, _) = Machine.ProcStatus(run.Process.Id);

            var office = stackView.Office("RM");
            var expected = Enumerable.Range(0, subscriptions).Count(i => provinces[i % provinces.Count] == "RM");
            var before = telegram.Calls.Count;
            simulator.World.AddSlot(office, simulator.World.Today.AddDays(30), new TimeOnly(9, 0), 2);
            var delivered = await WaitAsync(() => telegram.Calls.Skip(before).Count(x => x.Is("sendMessage") && x.Succeeded) >= expected, TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(250));
            var sent = telegram.Calls.Skip(before).Count(x => x.Is("sendMessage") && x.Succeeded);
            await Task.Delay(TimeSpan.FromSeconds(2));
            var (hwm, rss) = Machine.ProcStatus(run.Process.Id);
            await sampling.CancelAsync();
            await sampler;
            Log($"passportbot run: VmHWM {hwm:0.0} MB (before the fan-out {hwmBeforeFanOut:0.0} MB), VmRSS now {rss:0.0} MB; fan-out of 1 RM slot: {sent}/{expected} messages{(delivered ? "" : " (timed out)")}");
            Results.Add(new Result("2d peak RSS of `passportbot run`, 100,000 subscriptions / 107 provinces", "≤ 250 MB",
                $"VmHWM {hwm:0} MB", hwm <= 250 && polled && delivered,
                $"after all {distinct.Count} Questura codes polled (VmHWM then {hwmBeforeFanOut:0} MB) and 1 RM slot fanned out to {sent}/{expected} chats; RSS at end {rss:0} MB; PollInterval 10 s, rate limit off"));
        }
        finally
        {
            if (run is not null) await run.DisposeAsync();
            await simulator.DisposeAsync();
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    // ---- scale-out --------------------------------------------------------------------------------------------

    private static async Task ScaleOutFanOut()
    {
        var embedded = _embedded10k ?? await Embedded10kAsync();
        await using var stack = await ScaleOutStack.StartAsync(1, 1);
        Log(stack.Label);
        var roles = stack.Processes.Select(p => (p.Name, p.Process.Id)).ToList();
        // Two fan-outs of 10,000 on one stack: the first after the processes start also pays for compiling the path
        // it runs (the JIT's tiers), the second (another province) shows the throughput of a process that has run.
        (FanOutStats Stats, string Cpu) first = default, second = default;
        foreach (var (round, chatBase, province) in new[] { (1, 4_000_000L, "TO"), (2, 4_100_000L, "MI") })
        {
            Dictionary<string, double>? cpuBefore = null;
            var wall = new System.Diagnostics.Stopwatch();
            var cpu = "n/a";
            var s = await Scenarios.FanOutAsync(stack, Scenarios.Chats(chatBase, 10_000, [province]), TimeSpan.FromMinutes(3),
                slotAdding: () => { cpuBefore = Machine.CpuSeconds(roles); wall.Start(); },
                allSent: () => cpu = Machine.CpuBetween(cpuBefore!, Machine.CpuSeconds(roles), wall.Elapsed.TotalSeconds));
            Log($"scale-out fan-out {round} ({province}): " + s.Describe());
            Log($"CPU from the new slot to the last message of fan-out {round}: " + cpu);
            if (round == 1) first = (s, cpu); else second = (s, cpu);
        }
        foreach (var (label, (s, cpu)) in new[] { ("first after start", first), ("second, same processes", second) })
        {
            var ratio = s.EndToEndRate / embedded.EndToEndRate;
            Results.Add(new Result($"3a scale-out fan-out, 1 slot → 10,000 chats, limits off ({label})", "≥ 2,000 msg/s",
                $"{s.EndToEndRate:0} msg/s end to end ({ratio:0.00} × embedded {embedded.EndToEndRate:0} msg/s, first after start, same run)", s.EndToEndRate >= 2000 && s.Lost == 0,
                $"poll→last {s.EndToEndSeconds:0.00} s; poll→first send {s.PreDispatchSeconds:0.00} s (outbox rows at +{s.HandlerCommitSeconds:0.00} s, drained +{s.RelayDrainedSeconds:0.00} s); " +
                $"dispatcher {s.DispatchRate:0} msg/s = {100 * s.DispatchSeconds / s.EndToEndSeconds:0}% of the time; delivered {s.Delivered}, dup {s.Duplicates}, lost {s.Lost}; CPU: {cpu}; JIT profiles at start: {stack.ProfilesAtStart}"));
        }
    }

    private static async Task ScaleOutLatency()
    {
        await using var stack = await ScaleOutStack.StartAsync(1, 1);
        Log(stack.Label + "; 20 provinces × 10 rounds");
        var l = await Scenarios.LatencyAsync(stack, 20, 10, 5_000_000);
        Log("scale-out latency: " + l.Describe());
        Results.Add(new Result("3b scale-out latency PolledAt → first sendMessage", "p99 ≤ 150 ms",
            $"p50 {Ms(l.P50)}, p95 {Ms(l.P95)}, p99 {Ms(l.P99)}", l.P99 <= 150 && l.Samples >= l.Expected,
            $"{l.Samples}/{l.Expected} samples, min {Ms(l.Min)}, max {Ms(l.Max)}"));
    }

    private static async Task ScaleOutReplicas()
    {
        await using var stack = await ScaleOutStack.StartAsync(2, 2);
        Log(stack.Label);
        // 10 provinces, one new slot each at once: the INSERTs spread over both handlers, both relays claim rows.
        var provinces = ProvinceCatalog.QuesturaCodes.Where(p => stack.Simulator.World.OfficesIn(p).Count > 0).Take(10).ToList();
        var s = await Scenarios.FanOutAsync(stack, Scenarios.Chats(6_000_000, 10_000, provinces), TimeSpan.FromMinutes(3));
        Log("replicas fan-out: " + s.Describe());
        // Which handler replica announced the new slots (its Debug line "INSERT XX ...: N slots announced").
        var announcedBy = stack.Processes.Where(p => p.Name.StartsWith("avail-handler", StringComparison.Ordinal)).Select(p =>
        {
            var lines = p.ReadLog().Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"\bInsert \w+ \(poll [^)]*\): [1-9]\d* slots announced", System.Text.RegularExpressions.RegexOptions.IgnoreCase)).ToList();
            var applied = p.ReadLog().Count(l => l.Contains("slots announced", StringComparison.Ordinal));
            return $"{p.Name}: {lines.Count} INSERT(s) announcing slots, {applied} updates applied";
        }).ToList();
        Log("announcements per handler replica: " + string.Join("; ", announcedBy));
        Results.Add(new Result("3c scale-out, 2 avail-handlers + 2 dispatchers, 10,000 chats / 10 provinces", "0 duplicates, 0 lost",
            $"{s.Duplicates} duplicates, {s.Lost} lost; {s.EndToEndRate:0} msg/s end to end", s.Duplicates == 0 && s.Lost == 0 && s.Delivered == s.Expected,
            $"every chat counted at the fake: {s.DistinctChats} distinct of {s.Expected}, {s.Delivered} sendMessage; dispatcher {s.DispatchRate:0} msg/s; checked 3 s after the last; {string.Join("; ", announcedBy)}"));
    }

    // ---- filtered ---------------------------------------------------------------------------------------------

    /// <summary>The embedded stack in this process, as the first start of a `passportbot run` (no JIT profile): with
    /// the handler's spans, which only an in-process listener sees.</summary>
    private static async Task FilteredEmbedded()
    {
        using var timer = new HandlerTimer();
        await using var stack = await EmbeddedStack.StartAsync();
        Log(stack.Label + "; 10,000 TO subscribers, half filtered out; up to 30 rounds of one new slot");
        var s = await Scenarios.FilteredRoundsAsync(stack, 10_000, 30, TimeSpan.FromSeconds(200), 7_000_000, timer);
        AddFiltered("7a embedded", s, 50, withHandler: true, "in the bench process, started without a JIT profile; ");
    }

    /// <summary>`passportbot run` as its own process, restarted over its JIT profile: a priming process (no profile,
    /// its round 1 reported) is stopped with SIGTERM, writing the profile, and the measured one replays it.</summary>
    private static async Task FilteredEmbeddedRestarted()
    {
        var primed = await PrimeAsync(await RunProcessStack.StartAsync(), 6_000_000);
        await using var stack = await RunProcessStack.StartAsync();
        Log(stack.Label + "; 10,000 TO subscribers, half filtered out; up to 30 rounds of one new slot");
        var s = await Scenarios.FilteredRoundsAsync(stack, 10_000, 30, TimeSpan.FromSeconds(200), 7_500_000, null);
        AddFiltered("7c embedded, `passportbot run` restarted over its JIT profile", s, 50, withHandler: false,
            $"JIT profiles at start: {stack.ProfilesAtStart}; priming run (no profile), round 1: {primed}; ");
    }

    /// <summary>As a deployment restarted over its profiles: a priming stack (its processes start without profiles and
    /// write theirs when stopped, its round 1 is reported), then the measured stack, whose processes replay them.</summary>
    private static async Task FilteredScaleOut()
    {
        var primed = await PrimeAsync(await ScaleOutStack.StartAsync(1, 1), 9_000_000);
        await using var stack = await ScaleOutStack.StartAsync(1, 1);
        Log(stack.Label + "; 10,000 TO subscribers, half filtered out; up to 30 rounds of one new slot");
        var s = await Scenarios.FilteredRoundsAsync(stack, 10_000, 30, TimeSpan.FromSeconds(200), 8_000_000, null);
        AddFiltered("7b scale-out (RabbitMQ + MariaDB, one process per role)", s, 150, withHandler: false,
            $"JIT profiles at start: {stack.ProfilesAtStart}; priming run (processes without profiles), round 1: {primed}; ");
    }

    /// <summary>Runs one round of 10,000 on a stack that records the JIT profiles, then stops it (SIGTERM: the
    /// profiles are written); what its round 1 took, for the report.</summary>
    private static async Task<string> PrimeAsync(Stack prime, long chatBase)
    {
        await using (prime)
        {
            Log("priming: " + prime.Label + "; 10,000 TO subscribers, one round");
            var p = await Scenarios.FilteredRoundsAsync(prime, 10_000, 1, TimeSpan.FromSeconds(60), chatBase, null);
            return p.Rounds.FirstOrDefault() is { } r ? $"first send {Ms(r.FirstMs)}, last {r.LastMs / 1000:0.00} s, {r.Delivered}/{r.Wanted}" : "no round";
        }
    }

    private static void AddFiltered(string name, FilteredStats s, double target, bool withHandler, string start)
    {
        var first = s.First;
        var last = s.Last;
        var handler = s.Handler;
        var r1 = s.Rounds.FirstOrDefault();
        var loadNow = Machine.LoadAverage();
        Log($"{name}: {s.Rounds.Count}/{s.Planned} rounds; first send p50 {Ms(Percentile(first, 50))}, p95 {Ms(Percentile(first, 95))}, p99 {Ms(Percentile(first, 99))}; last send p50 {Ms(Percentile(last, 50))}, max {Ms(last.LastOrDefault())}; exact {s.Exact}");
        Results.Add(new Result($"{name}: 10,000 TO subscribers, half with /before excluding the slot; {s.Rounds.Count} new slots one after another",
            $"exactly {s.Wanted} messaged per slot; poll→first send p99 ≤ {target:0} ms",
            $"poll→first send p50 {Ms(Percentile(first, 50))}, p95 {Ms(Percentile(first, 95))}, p99 {Ms(Percentile(first, 99))}; poll→last send p50 {Percentile(last, 50) / 1000:0.00} s, max {last.LastOrDefault() / 1000:0.00} s; " +
            (s.Exact ? $"every slot: exactly the {s.Wanted} unfiltered chats, once each" : "NOT exact: " + string.Join(", ", s.Rounds.Where(r => r.Delivered != r.Wanted || r.Duplicates + r.Lost + r.Unwanted > 0).Select(r => $"round {r.Round}: {r.Delivered}/{r.Wanted}, dup {r.Duplicates}, lost {r.Lost}, filtered messaged {r.Unwanted}"))),
            s.Exact && Percentile(first, 99) <= target && s.Rounds.Count > 0,
            start + (r1 is null ? "" : $"round 1 (first fan-out after start): first send {Ms(r1.FirstMs)}, last {r1.LastMs / 1000:0.00} s; ") +
            $"{s.Wanted / (Percentile(last, 50) / 1000):0} msg/s poll→last (median round); " +
            (withHandler && handler.Count > 0 ? $"handler 'apply poll' span of the announcing poll: p50 {Ms(Percentile(handler, 50))}, p95 {Ms(Percentile(handler, 95))}, max {Ms(handler[^1])} ({handler.Count} polls); polls with no change p50 {Ms(s.IdleHandlerMedianMs ?? double.NaN)}; " : "") +
            $"load average at end {loadNow}"));
    }

    /// <summary>Access to the fakes of a child-process run, for the helpers of <see cref="Stack"/>.</summary>
    private sealed class ProbeStack : Stack
    {
        [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
        public ProbeStack(PassportBot.Agenda.Simulator.AgendaSimulator simulator, FakeBotApiServer telegram, string folder)
        {
            Simulator = simulator;
            Telegram = telegram;
            Folder = folder;
            Db = new Db("sqlite", "");
            Subscriptions = null!;
        }

        public override string Label => "passportbot run (child process)";
    }
}

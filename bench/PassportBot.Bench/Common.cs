using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using PassportBot.Testing.Storage;

namespace PassportBot.Bench;

/// <summary>One line of the summary table.</summary>
public sealed record Result(string Scenario, string Target, string Measured, bool? Met, string Notes);

public static class Machine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string Facts() =>
        $"cores={Environment.ProcessorCount}, load average (1/5/15 min)={LoadAverage()}, " +
        $"memory={MemTotalMb()} MB, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";

    /// <summary>Settings from the environment that change what is measured (the child processes inherit them): the
    /// runtime's <c>DOTNET_*</c> knobs, <c>PASSPORTBOT_BENCH_CLI</c>, and the names of <c>PASSPORTBOT_*</c> settings
    /// with their values only when these are numbers, booleans or durations (a value could be a secret).</summary>
    public static string Overrides()
    {
        // The SDK's and the host's own variables (dotnet run sets some) say nothing about the runtime's behaviour.
        string[] quiet = ["DOTNET_CLI_", "DOTNET_ROOT", "DOTNET_NOLOGO", "DOTNET_SKIP_", "DOTNET_GENERATE_", "DOTNET_ADD_GLOBAL_TOOLS", "DOTNET_MULTILEVEL_LOOKUP", "DOTNET_HOST_"];
        var found = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            var name = (string)e.Key;
            var value = e.Value as string ?? "";
            if (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) && !quiet.Any(q => name.StartsWith(q, StringComparison.OrdinalIgnoreCase)) || name == "PASSPORTBOT_BENCH_CLI")
                found.Add($"{name}={value}");
            else if (name.StartsWith("PASSPORTBOT_", StringComparison.Ordinal) && !name.StartsWith("PASSPORTBOT_TEST_", StringComparison.Ordinal))
                found.Add(long.TryParse(value, CultureInfo.InvariantCulture, out _) || bool.TryParse(value, out _) || TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _)
                    ? $"{name}={value}" : $"{name} (set)");
        }
        found.Sort(StringComparer.Ordinal);
        return found.Count == 0 ? "none" : string.Join(", ", found);
    }

    private static string MemTotalMb()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:")) : null;
        return line is null ? "n/a" : (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>CPU seconds (user + system) used so far by this process, the scale-out roles and the local servers
    /// (by command name, all their processes summed), from /proc: where a run's time went on a shared machine.</summary>
    public static Dictionary<string, double> CpuSeconds(IEnumerable<(string Name, int Pid)> roles)
    {
        var result = new Dictionary<string, double> { ["bench (fakes)"] = Cpu(Environment.ProcessId) };
        foreach (var (name, pid) in roles) result[name] = result.GetValueOrDefault(name) + Cpu(pid);
        if (!Directory.Exists("/proc")) return result;
        var servers = new Dictionary<string, string> { ["mariadbd"] = "MariaDB", ["beam.smp"] = "RabbitMQ", ["postgres"] = "PostgreSQL" };
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string comm;
            try { comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim(); } catch (IOException) { continue; } catch (UnauthorizedAccessException) { continue; }
            if (servers.TryGetValue(comm, out var server)) result[server] = result.GetValueOrDefault(server) + Cpu(pid);
        }
        return result;

        static double Cpu(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // Fields after the command (which may hold spaces) start after its closing parenthesis.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
            }
            catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException) { return 0; }
        }
    }

    /// <summary>The CPU seconds each used between two <see cref="CpuSeconds"/> readings, largest first.</summary>
    public static string CpuBetween(Dictionary<string, double> before, Dictionary<string, double> after, double wallSeconds) =>
        string.Join(", ", after.Select(kv => (kv.Key, Used: kv.Value - before.GetValueOrDefault(kv.Key))).Where(x => x.Used > 0.005)
            .OrderByDescending(x => x.Used).Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Key} {x.Used:0.0} s")))
        + string.Create(CultureInfo.InvariantCulture, $" (of {Environment.ProcessorCount * wallSeconds:0.0} core-seconds in {wallSeconds:0.0} s)");

    /// <summary>VmHWM (peak RSS) and VmRSS of a process, in MB, from /proc/&lt;pid&gt;/status.</summary>
    public static (double PeakMb, double RssMb) ProcStatus(int pid)
    {
        double hwm = double.NaN, rss = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:")) hwm = Kb(line) / 1024.0;
            else if (line.StartsWith("VmRSS:")) rss = Kb(line) / 1024.0;
        }
        return (hwm, rss);
        static long Kb(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    public static string BenchMemory()
    {
        using var self = Process.GetCurrentProcess();
        var (hwm, rss) = ProcStatus(Environment.ProcessId);
        var gc = GC.GetGCMemoryInfo();
        return $"bench process: peak RSS (VmHWM) {hwm:0} MB, RSS now {rss:0} MB, peak working set {self.PeakWorkingSet64 / 1048576.0:0} MB, " +
               $"GC heap now {GC.GetTotalMemory(false) / 1048576.0:0} MB, GC committed {gc.TotalCommittedBytes / 1048576.0:0} MB, " +
               $"gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}";
    }
}

public static class Util
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Log(string text) => Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {text}");

    public static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout) return false;
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
        return true;
    }

    public static async Task<bool> WaitAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout) return false;
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(50));
        }
        return true;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public static string Ms(double v) => v.ToString("0.0", Inv) + " ms";
    public static string F(double v, string format = "0") => v.ToString(format, Inv);
}

/// <summary>Reads what the product wrote, with plain SQL: slot first-seen times (= the poll's PolledAt) and the
/// outbox size (to time the handler and relay stages).</summary>
public sealed class Db(string provider, string connectionString)
{
    public string Provider { get; } = provider;
    public string ConnectionString { get; } = connectionString;

    public DbConnection Open()
    {
        var c = TestDatabases.CreateConnection(Provider, ConnectionString);
        c.Open();
        return c;
    }

    /// <summary>(office id, "yyyy-MM-dd", "HH:mm") → first_seen (Unix ms).</summary>
    public Dictionary<(int, string, string), long> FirstSeen(string date)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT office_id, date, time, first_seen FROM slots WHERE date = @d";
        var p = cmd.CreateParameter();
        p.ParameterName = "@d";
        p.Value = date;
        cmd.Parameters.Add(p);
        var map = new Dictionary<(int, string, string), long>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) map[(Convert.ToInt32(r.GetValue(0), Util.Inv), r.GetString(1), r.GetString(2))] = Convert.ToInt64(r.GetValue(3), Util.Inv);
        return map;
    }

    /// <summary>Samples COUNT(*) of the outbox until cancelled.</summary>
    public async Task<List<(DateTimeOffset At, long Count)>> SampleOutboxAsync(TimeSpan every, CancellationToken ct)
    {
        var samples = new List<(DateTimeOffset, long)>();
        DbConnection? c = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    c ??= Open();
                    using var cmd = c.CreateCommand();
                    cmd.CommandText = "SELECT COUNT(*) FROM outbox";
                    var n = Convert.ToInt64(cmd.ExecuteScalar(), Util.Inv);
                    samples.Add((DateTimeOffset.UtcNow, n));
                }
                catch (DbException)
                {
                    c?.Dispose();
                    c = null;
                }
                try { await Task.Delay(every, ct); } catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            c?.Dispose();
        }
        return samples;
    }
}

public static class BulkSubscriptions
{
    /// <summary>Inserts users and their subscriptions with multi-row INSERTs in one transaction (the store has no
    /// bulk insert; one SubscribeAsync per chat takes minutes on MariaDB). <c>before</c> is the user's
    /// <c>/before</c> filter ("yyyy-MM-dd") or null. Values are generated here, never user input.</summary>
    public static async Task InsertAsync(this Db db, IReadOnlyList<(long ChatId, string Province, string? Before)> rows)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var c = db.Open();
        await using var tx = await c.BeginTransactionAsync();
        foreach (var chunk in rows.Chunk(500))
        {
            await using var users = c.CreateCommand();
            users.Transaction = tx;
            users.CommandText = "INSERT INTO users (chat_id, language, active, deactivated_reason, created_at, updated_at, filter_before) VALUES " +
                string.Join(", ", chunk.Select(r => $"({r.ChatId}, 'it', 1, NULL, {now}, {now}, {(r.Before is null ? "NULL" : "'" + r.Before + "'")})"));
            await users.ExecuteNonQueryAsync();
            await using var subs = c.CreateCommand();
            subs.Transaction = tx;
            subs.CommandText = "INSERT INTO subscriptions (chat_id, province, created_at) VALUES " +
                string.Join(", ", chunk.Select(r => $"({r.ChatId}, '{r.Province}', {now})"));
            await subs.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
    }
}

/// <summary>The JIT profiles (<c>Startup:JitProfileDirectory</c>) of one bench run: every role process of the run
/// shares this folder, so a stack started after another one replays what the earlier one's processes compiled, as a
/// restarted deployment does. Each run starts without profiles.</summary>
public static class JitProfiles
{
    private static readonly Lazy<string> LazyFolder = new(() => Directory.CreateTempSubdirectory("passportbot-bench-jit-").FullName);

    public static string Folder => LazyFolder.Value;

    /// <summary>The profiles there now, e.g. "dispatcher-0, poller-0", or "none".</summary>
    public static string Present()
    {
        if (!LazyFolder.IsValueCreated) return "none";
        var names = Directory.EnumerateFiles(Folder, "*.jitprofile").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    public static void Delete()
    {
        if (!LazyFolder.IsValueCreated) return;
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda.Simulator;
using PassportBot.Cli;
using PassportBot.Messaging;
using PassportBot.Storage;
using PassportBot.Testing;
using PassportBot.Testing.Storage;
using RabbitMQ.Client;
using Microsoft.AspNetCore.Builder;
using static PassportBot.Bench.Util;

namespace PassportBot.Bench;

/// <summary>The system under measurement, whatever its shape: the agenda simulator and the fake Bot API server
/// run in this process; the database is a throw-away one.</summary>
public abstract class Stack : IAsyncDisposable
{
    protected readonly List<IAsyncDisposable> Cleanup = [];

    public required AgendaSimulator Simulator { get; init; }
    public required FakeBotApiServer Telegram { get; init; }
    public required Db Db { get; init; }
    public required ISubscriptionStore Subscriptions { get; init; }
    public required string Folder { get; init; }
    public abstract string Label { get; }

    protected static async Task<(AgendaSimulator, FakeBotApiServer, string Folder)> StartFakesAsync()
    {
        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        var telegram = await FakeBotApiServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("passportbot-bench-").FullName;
        return (simulator, telegram, folder);
    }

    /// <summary>The product's storage in this process, over the stack's database with its schema: the bench writes
    /// subscriptions through it while the product runs in child processes.</summary>
    protected static async Task<ServiceProvider> MigratedStorageAsync(IDictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddPassportBotStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStorageMigrator>().MigrateAsync(CancellationToken.None);
        return provider;
    }

    /// <summary>Settings shared by every shape: fast polling against the simulator, inline credentials, the fake
    /// Telegram server, the global rate limit off (scenarios override).</summary>
    public static Dictionary<string, string?> CommonSettings(AgendaSimulator simulator, FakeBotApiServer telegram, string folder) => new()
    {
        ["Telegram:Token"] = telegram.Token,
        ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
        ["Telegram:RateLimitEnabled"] = "false",
        ["Agenda:BaseUrl"] = simulator.BaseUrl,
        ["Agenda:Cookie"] = simulator.Credentials.Cookie,
        ["Agenda:CsrfToken"] = simulator.Credentials.CsrfToken,
        // Files that do not exist: the inline credentials above are used.
        ["Agenda:CookieFile"] = Path.Combine(folder, "no_cookie_token"),
        ["Agenda:CsrfTokenFile"] = Path.Combine(folder, "no_xcsrf_token"),
        ["Agenda:PollInterval"] = "00:00:01",
        ["Agenda:MaxRetries"] = "1",
        ["Agenda:RetryBaseDelay"] = "00:00:00.020",
        ["Workers:PollerTick"] = "00:00:00.100",
        ["Workers:PollJitter"] = "00:00:00",
        ["Workers:RelayPollInterval"] = "00:00:00.100",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Startup:JitProfileDirectory"] = JitProfiles.Folder,
    };

    /// <summary>The first office of the province, made bookable at any hour so results do not depend on the clock.</summary>
    public int Office(string province)
    {
        var office = Simulator.World.OfficesIn(province).OrderBy(o => o.Id).First();
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return office.Id;
    }

    public async Task SubscribeManyAsync(IReadOnlyList<(long ChatId, string Province)> subscriptions, int parallelism = 4)
    {
        await Parallel.ForEachAsync(subscriptions, new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (s, ct) =>
            {
                // Other engineers' tests restart the shared MariaDB server now and then: retry a few times.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await Subscriptions.SubscribeAsync(s.ChatId, s.Province, PassportBot.Domain.Language.Italian, ct);
                        return;
                    }
                    catch (System.Data.Common.DbException e) when (attempt < 5)
                    {
                        Log($"subscribe {s.ChatId}: {e.Message} (attempt {attempt}); retrying in 2 s");
                        await Task.Delay(TimeSpan.FromSeconds(2), ct);
                    }
                }
            });
    }

    /// <summary>Waits until the poller has read each province at least <paramref name="polls"/> times in total.</summary>
    public Task<bool> WaitPolledAsync(IEnumerable<string> provinces, int polls, TimeSpan timeout)
    {
        var list = provinces.ToList();
        return WaitAsync(() =>
        {
            var byProvince = Simulator.Calls.Requests
                .Where(r => r.Endpoint == PassportBot.Agenda.Simulator.Server.SimulatorEndpoint.OfficeList && r.Province is not null)
                .GroupBy(r => r.Province!.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.Count());
            return list.All(p => byProvince.GetValueOrDefault(p) >= polls);
        }, timeout, TimeSpan.FromMilliseconds(200));
    }

    public virtual async ValueTask DisposeAsync()
    {
        for (var i = Cleanup.Count - 1; i >= 0; i--)
        {
            try { await Cleanup[i].DisposeAsync(); }
            catch (Exception e) { Log($"cleanup: {e.GetType().Name}: {e.Message}"); }
        }
        await Telegram.DisposeAsync();
        await Simulator.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The embedded shape: every role in this process (as <c>passportbot run</c> builds it), SQLite + in-process bus.</summary>
public sealed class EmbeddedStack : Stack
{
    public required WebApplication App { get; init; }
    public override string Label => "embedded (SQLite + in-process bus, all roles in one host)";

    public static async Task<EmbeddedStack> StartAsync(IDictionary<string, string?>? extra = null, FakeBotApiLimits? limits = null)
    {
        var (simulator, telegram, folder) = await StartFakesAsync();
        if (limits is not null) telegram.Limits = limits;
        var (cs, drop) = await TestDatabases.CreateAsync("sqlite");
        var settings = CommonSettings(simulator, telegram, folder);
        settings["Storage:Provider"] = "sqlite";
        settings["Storage:ConnectionString"] = cs;
        settings["Bus:Provider"] = "memory";
        settings["Web:Urls"] = "http://127.0.0.1:0";
        foreach (var kv in extra ?? new Dictionary<string, string?>()) settings[kv.Key] = kv.Value;

        var builder = PassportBotHost.CreateBuilder([], settings).AddRoles(Roles.All);
        builder.Logging.ClearProviders();
        var app = builder.BuildApp();
        await app.StartAsync();
        var stack = new EmbeddedStack
        {
            Simulator = simulator, Telegram = telegram, Folder = folder, App = app,
            Db = new Db("sqlite", cs),
            Subscriptions = app.Services.GetRequiredService<ISubscriptionStore>(),
        };
        stack.Cleanup.Add(drop);
        stack.Cleanup.Add(new AsyncAction(async () => { await app.StopAsync(); await app.DisposeAsync(); }));
        return stack;
    }
}

/// <summary>The embedded shape as it runs in production: one `passportbot run` process (SQLite + in-process bus),
/// started through the CLI like the scale-out roles, stopped with SIGTERM (so it writes its JIT profile).</summary>
public sealed class RunProcessStack : Stack
{
    public override string Label => "embedded, `passportbot run` process (SQLite + in-process bus)";

    /// <summary>The JIT profiles in the shared folder when the process started.</summary>
    public required string ProfilesAtStart { get; init; }

    public static async Task<RunProcessStack> StartAsync()
    {
        var (simulator, telegram, folder) = await StartFakesAsync();
        var (cs, drop) = await TestDatabases.CreateAsync("sqlite");
        var settings = CommonSettings(simulator, telegram, folder);
        settings["Storage:Provider"] = "sqlite";
        settings["Storage:ConnectionString"] = cs;
        settings["Bus:Provider"] = "memory";

        var provider = await MigratedStorageAsync(settings);

        var profiles = JitProfiles.Present();
        var run = Child.Start("run", ["run"], new Dictionary<string, string?>(settings) { ["Web:Urls"] = null }, folder);
        var stack = new RunProcessStack
        {
            Simulator = simulator, Telegram = telegram, Folder = folder, ProfilesAtStart = profiles,
            Db = new Db("sqlite", cs),
            Subscriptions = provider.GetRequiredService<ISubscriptionStore>(),
        };
        stack.Cleanup.Add(drop);
        stack.Cleanup.Add(provider);
        stack.Cleanup.Add(run);
        try
        {
            await run.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
        Log($"passportbot run up; JIT profiles at start: {profiles}");
        return stack;
    }
}

/// <summary>The scale-out shape: one <c>passportbot</c> process per role over RabbitMQ (unique queue prefix) and a
/// throw-away MariaDB database.</summary>
public sealed class ScaleOutStack : Stack
{
    public required List<Child> Processes { get; init; }
    public required string Description { get; init; }
    public override string Label => Description;

    /// <summary>The JIT profiles the processes found when they started.</summary>
    public required string ProfilesAtStart { get; init; }

    public static async Task<ScaleOutStack> StartAsync(int availHandlers, int dispatchers, IDictionary<string, string?>? extra = null)
    {
        var rabbit = Environment.GetEnvironmentVariable("PASSPORTBOT_TEST_RABBITMQ")
            ?? throw new InvalidOperationException("PASSPORTBOT_TEST_RABBITMQ is not set: run through bench/run.sh (it sources scripts/services.sh --env).");
        var (simulator, telegram, folder) = await StartFakesAsync();
        var (cs, drop) = await TestDatabases.CreateAsync("mariadb");
        var prefix = $"bench_{Guid.NewGuid():N}"[..14] + "_";

        var settings = CommonSettings(simulator, telegram, folder);
        settings["Storage:Provider"] = "mariadb";
        settings["Storage:ConnectionString"] = cs;
        settings["Storage:MigrateOnStart"] = "false";
        settings["Bus:Provider"] = "rabbitmq";
        settings["Bus:ConnectionString"] = rabbit;
        settings["Bus:QueuePrefix"] = prefix;
        // One line per applied update, so the replica scenario can show which handler announced what.
        settings["Logging:LogLevel:PassportBot.Workers.AvailabilityHandler"] = "Debug";
        foreach (var kv in extra ?? new Dictionary<string, string?>()) settings[kv.Key] = kv.Value;

        var provider = await MigratedStorageAsync(settings);

        var processes = new List<Child>();
        var profiles = JitProfiles.Present();
        var stack = new ScaleOutStack
        {
            ProfilesAtStart = profiles,
            Simulator = simulator, Telegram = telegram, Folder = folder, Processes = processes,
            Db = new Db("mariadb", cs),
            Subscriptions = provider.GetRequiredService<ISubscriptionStore>(),
            Description = $"scale-out (RabbitMQ prefix {prefix} + MariaDB, processes: poller, user-handler, {availHandlers}× avail-handler, {dispatchers}× dispatcher)",
        };
        stack.Cleanup.Add(drop);
        stack.Cleanup.Add(new AsyncAction(() => DeleteQueuesAsync(rabbit, prefix)));
        stack.Cleanup.Add(provider);
        stack.Cleanup.Add(new AsyncAction(async () => { foreach (var p in processes) await p.DisposeAsync(); }));

        var roles = new List<string> { "poller", "user-handler" };
        roles.AddRange(Enumerable.Repeat("avail-handler", availHandlers));
        roles.AddRange(Enumerable.Repeat("dispatcher", dispatchers));
        var started = Stopwatch.StartNew();
        for (var i = 0; i < roles.Count; i++)
        {
            var env = new Dictionary<string, string?>(settings) { ["Web:Urls"] = null };
            processes.Add(Child.Start($"{roles[i]}-{i}", [roles[i]], env, folder));
        }
        try
        {
            foreach (var p in processes) await p.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
        Log($"{processes.Count} role processes up in {started.Elapsed.TotalSeconds:0.0} s; JIT profiles at start: {profiles}");
        return stack;
    }

    private static async Task DeleteQueuesAsync(string uri, string prefix)
    {
        var factory = new ConnectionFactory { Uri = new Uri(uri) };
        await using var connection = await factory.CreateConnectionAsync("passportbot-bench-cleanup");
        var names = new List<string>();
        foreach (var q in Queues.AllNames)
        {
            names.Add(prefix + q);
            names.Add(prefix + q + ".dlq");
            // Retry queues: delays double from 1 s (5 s for message) up to 1 hour.
            foreach (var start in new long[] { 1000, 5000 })
                for (var ms = start; ms <= 3_600_000; ms *= 2) names.Add($"{prefix}{q}.retry.{ms}ms");
            names.Add($"{prefix}{q}.retry.3600000ms");
        }
        var deleted = 0;
        var channel = await connection.CreateChannelAsync();
        foreach (var name in names.Distinct())
        {
            try
            {
                await channel.QueueDeclarePassiveAsync(name);
                await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
                deleted++;
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // NOT_FOUND closes the channel: open a new one.
                await channel.DisposeAsync();
                channel = await connection.CreateChannelAsync();
            }
        }
        await channel.DisposeAsync();
        Log($"deleted {deleted} RabbitMQ queue(s) with prefix {prefix}");
    }
}

public sealed class AsyncAction(Func<Task> action) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await action();
}

/// <summary>A <c>passportbot</c> child process (the Release build of src/PassportBot.Cli run through <c>dotnet</c>),
/// configured through PASSPORTBOT_* environment variables, output kept in a log file.</summary>
public sealed class Child : IAsyncDisposable
{
    private readonly StreamWriter _log;

    private Child(string name, Process process, int port, string logPath, StreamWriter log)
    {
        Name = name;
        Process = process;
        WebPort = port;
        LogPath = logPath;
        _log = log;
    }

    public string Name { get; }
    public Process Process { get; }
    public int WebPort { get; }
    public string LogPath { get; }

    public static string Executable()
    {
        if (Environment.GetEnvironmentVariable("PASSPORTBOT_BENCH_CLI") is { Length: > 0 } published) return published;
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "PassportBot.slnx"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Cannot find the repository root (PassportBot.slnx) above " + AppContext.BaseDirectory);
        var dll = Path.Combine(dir.FullName, "src", "PassportBot.Cli", "bin", "Release", "net10.0", "passportbot.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"{dll} is missing: build it with `dotnet build -c Release src/PassportBot.Cli` (bench/run.sh does).");
        return dll;
    }

    public static Child Start(string name, IReadOnlyList<string> args, IDictionary<string, string?> settings, string workDir)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Executable());
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (key, value) in settings)
            if (value is not null) psi.Environment[PassportBotHost.EnvironmentPrefix + key.Replace(":", "__")] = value;
        psi.Environment[PassportBotHost.EnvironmentPrefix + "Web__Urls"] = $"http://127.0.0.1:{port}";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var logPath = Path.Combine(workDir, name + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Child(name, process, port, logPath, log);
    }

    /// <summary>Waits until <c>/health</c> answers (any status: the host is up and serving).</summary>
    public async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var ok = await WaitAsync(async () =>
        {
            if (Process.HasExited) throw new InvalidOperationException($"{Name} exited with {Process.ExitCode}: {Tail()}");
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{WebPort}/health");
                return true;
            }
            catch (HttpRequestException) { return false; }
            catch (TaskCanceledException) { return false; }
        }, timeout, TimeSpan.FromMilliseconds(200));
        if (!ok) throw new TimeoutException($"{Name} did not answer /health within {timeout.TotalSeconds:0} s: {Tail()}");
    }

    public string Tail(int lines = 15) => string.Join("\n", ReadLog().TakeLast(lines));

    /// <summary>The log so far (the writer still holds the file open).</summary>
    public List<string> ReadLog()
    {
        lock (_log)
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var lines = new List<string>();
                while (reader.ReadLine() is { } line) lines.Add(line);
                return lines;
            }
            catch (IOException) { return ["(no log)"]; }
        }
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                // SIGTERM first: a graceful stop writes the role's JIT profile, which the next stack's processes replay.
                _ = SysKill(Process.Id, SigTerm);
                using (var graceful = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
                {
                    try { await Process.WaitForExitAsync(graceful.Token); } catch (OperationCanceledException) { }
                }
                if (!Process.HasExited) Process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await Process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            Log($"{Name}: stop: {e.Message}");
        }
        Process.Dispose();
        lock (_log) _log.Dispose();
    }
}

using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Agenda.Simulator;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;
using PassportBot.Testing.Storage;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.ScaleOut.Tests;

/// <summary>
/// One test's deployment: the agenda simulator and the fake Bot API server in this process (real HTTP servers on
/// 127.0.0.1), a throw-away database (MariaDB or PostgreSQL), a queue prefix of its own on the shared RabbitMQ,
/// and any number of <c>passportbot &lt;role&gt;</c> processes. Disposing kills every process, drops the database
/// and deletes the queues.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    public const long AdminChatId = 999;
    public const string RabbitMqVariable = "PASSPORTBOT_TEST_RABBITMQ";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly IAsyncDisposable _dropDatabase;
    private readonly Dictionary<string, string?> _environment;
    private readonly List<RoleProcess> _processes = [];
    private readonly ServiceProvider _storage;
    private int _sequence;

    private Cluster(AgendaSimulator simulator, FakeBotApiServer telegram, string provider, string connectionString, IAsyncDisposable drop,
        string folder, string queuePrefix, string rabbit, Dictionary<string, string?> environment)
    {
        Simulator = simulator;
        Telegram = telegram;
        Provider = provider;
        ConnectionString = connectionString;
        _dropDatabase = drop;
        Folder = folder;
        QueuePrefix = queuePrefix;
        RabbitUri = rabbit;
        _environment = environment;

        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MigrateOnStart"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddPassportBotStorage(config);
        _storage = services.BuildServiceProvider();
    }

    public AgendaSimulator Simulator { get; }
    public FakeBotApiServer Telegram { get; }
    public string Provider { get; }
    public string ConnectionString { get; }
    public string Folder { get; }
    public string QueuePrefix { get; }
    public string RabbitUri { get; }
    public IReadOnlyList<RoleProcess> Processes => _processes;

    /// <summary>Storage services over the test's database, for arranging subscribers and checking state.</summary>
    public T Store<T>() where T : notnull => _storage.GetRequiredService<T>();

    public static async Task<Cluster> CreateAsync(string provider = "mariadb", IDictionary<string, string?>? extra = null)
    {
        var rabbit = Environment.GetEnvironmentVariable(RabbitMqVariable) is { Length: > 0 } r
            ? r
            : throw new InvalidOperationException($"{RabbitMqVariable} is not set. Start the test servers with `sudo scripts/services.sh` and " +
                                                  "load their connection strings with `source <(scripts/services.sh --env)`.");
        await EnsureBrokerReachableAsync(rabbit);

        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        var telegram = await FakeBotApiServer.StartAsync();
        var (connectionString, drop) = await TestDatabases.CreateAsync(provider);
        var folder = Directory.CreateTempSubdirectory("passportbot-scaleout-").FullName;
        var prefix = "so" + Guid.NewGuid().ToString("N")[..10] + ".";

        var settings = new Dictionary<string, string?>
        {
            ["Bus:Provider"] = "rabbitmq",
            ["Bus:ConnectionString"] = rabbit,
            ["Bus:QueuePrefix"] = prefix,
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MigrateOnStart"] = "false", // `passportbot migrate` runs first
            ["Telegram:Token"] = telegram.Token,
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
            ["Telegram:AdminChatIds:0"] = AdminChatId.ToString(),
            ["Telegram:PaidBroadcast"] = "true", // lifts the 30 msg/s cap so fan-outs are quick
            ["Telegram:MaxMessagesPerSecond"] = "1000",
            ["Telegram:PerChatInterval"] = "00:00:00.050",
            ["Telegram:PollingTimeout"] = "00:00:02",
            ["Agenda:BaseUrl"] = simulator.BaseUrl,
            ["Agenda:Cookie"] = simulator.Credentials.Cookie,
            ["Agenda:CsrfToken"] = simulator.Credentials.CsrfToken,
            ["Agenda:CookieFile"] = "",
            ["Agenda:CsrfTokenFile"] = "",
            ["Agenda:PollInterval"] = "00:00:01",
            ["Agenda:MaxRetries"] = "1",
            ["Agenda:RetryBaseDelay"] = "00:00:00.020",
            ["Agenda:RequestTimeout"] = "00:00:05",
            ["Workers:PollerTick"] = "00:00:00.100",
            ["Workers:PollJitter"] = "00:00:00",
            ["Workers:GraceWindow"] = "00:00:01",
            ["Workers:RelayPollInterval"] = "00:00:00.100",
            ["Workers:RelayLease"] = "00:00:05",
            ["Web:CacheDuration"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var kv in extra ?? new Dictionary<string, string?>()) settings[kv.Key] = kv.Value;
        var environment = settings.ToDictionary(kv => "PASSPORTBOT_" + kv.Key.Replace(":", "__"), kv => kv.Value);
        return new Cluster(simulator, telegram, provider, connectionString, drop, folder, prefix, rabbit, environment);
    }

    /// <summary><c>passportbot migrate</c>; fails with its output unless it exits 0.</summary>
    public async Task MigrateAsync()
    {
        await using var migrate = RoleProcess.Start("migrate", "migrate", _environment, [], Folder, 0);
        await migrate.WaitForExitAsync(Timeout);
        Assert.True(migrate.ExitCode == 0, $"passportbot migrate failed.\n{migrate.Tail}");
    }

    /// <summary>Runs <c>passportbot &lt;command&gt; &lt;args&gt;</c> to its end with the cluster's settings: its exit code
    /// and the last lines it wrote.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(string command, params string[] args)
    {
        await using var run = RoleProcess.Start(command, command, _environment, args, Folder, 0);
        await run.WaitForExitAsync(Timeout);
        return (run.ExitCode, run.Tail);
    }

    /// <summary>Starts <c>passportbot &lt;role&gt;</c> with the cluster's settings plus <paramref name="options"/>
    /// (<c>Key=value</c>, passed as <c>--Key=value</c>), listening for /health on a port of its own.</summary>
    public RoleProcess Start(string role, params string[] options)
    {
        var port = RoleProcess.FreePort();
        var name = $"{role}#{Interlocked.Increment(ref _sequence)}";
        var args = new List<string> { $"--Web:Urls=http://127.0.0.1:{port}" };
        args.AddRange(options.Select(o => "--" + o));
        var process = RoleProcess.Start(name, role, _environment, args, Folder, port);
        lock (_processes) _processes.Add(process);
        return process;
    }

    public async Task<RoleProcess> StartReadyAsync(string role, params string[] options)
    {
        var p = Start(role, options);
        await p.WaitUntilAnsweringAsync(Timeout);
        return p;
    }

    public static Task WaitAnsweringAsync(params RoleProcess[] processes) =>
        Task.WhenAll(processes.Select(p => p.WaitUntilAnsweringAsync(Timeout)));

    /// <summary>Every process's output tail, for assertion messages.</summary>
    public string Tails()
    {
        lock (_processes) return string.Join("\n", _processes.Select(p => p.Tail));
    }

    /// <summary>An office whose slots can be booked at any hour, so the test does not depend on the clock.</summary>
    public int AlwaysBookableOffice(string code)
    {
        var office = Simulator.World.GetOffice(code);
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return office.Id;
    }

    public static DateOnly Day(int daysFromToday) => RomeTime.Today(TimeProvider.System).AddDays(daysFromToday);

    /// <summary>The line a message carries for a slot: "dd/MM/yyyy ore HH:mm".</summary>
    public static string SlotText(SlotKey key) => $"{AvailabilityFormatter.Day(key.Date)} ore {key.Time:HH\\:mm}";

    public async Task SubscribeAsync(IEnumerable<long> chats, params string[] provinces)
    {
        var store = Store<ISubscriptionStore>();
        foreach (var chat in chats)
        foreach (var province in provinces)
            await store.SubscribeAsync(chat, province, Language.Italian, CancellationToken.None);
    }

    /// <summary>Successful sendMessage calls to <paramref name="chat"/> carrying <paramref name="text"/>.</summary>
    public int Count(long chat, string text) => Telegram.SentMessages.Count(m => m.ChatId == chat && m.Text is { } t && t.Contains(text, StringComparison.Ordinal));

    /// <summary>Per chat, how many successful sends carried <paramref name="text"/>.</summary>
    public Dictionary<long, int> CountsByChat(string text) => Telegram.SentMessages
        .Where(m => m.ChatId is not null && m.Text is { } t && t.Contains(text, StringComparison.Ordinal))
        .GroupBy(m => m.ChatId!.Value).ToDictionary(g => g.Key, g => g.Count());

    public Task WaitForPollsAsync(string province, int polls)
    {
        var target = Simulator.Calls.OfficeListCalls(province) + polls;
        return Eventually.TrueAsync(() => Simulator.Calls.OfficeListCalls(province) >= target, Timeout, $"{polls} more polls of {province}", Tails);
    }

    // ---- RabbitMQ ---------------------------------------------------------------------------------------

    /// <summary>Consumers registered on a queue, and how many of them receive (on the single-active-consumer
    /// <c>message</c> queue: 1, the others wait). From <c>rabbitmqctl list_consumers</c>, which lists waiting
    /// consumers too: on quorum queues the consumer count of <c>queue.declare-ok</c> counts neither reliably.</summary>
    public async Task<(int Registered, int Active)> ConsumersAsync(string queue)
    {
        var vhost = new ConnectionFactory { Uri = new Uri(RabbitUri) }.VirtualHost;
        var (code, output) = await Shell.RunAsync("rabbitmqctl", ["-q", "list_consumers", "-p", vhost, "queue_name", "active", "--formatter", "json"], TimeSpan.FromSeconds(60));
        if (code != 0) throw new InvalidOperationException($"rabbitmqctl list_consumers failed: {output}");
        var consumers = JsonDocument.Parse(output).RootElement.EnumerateArray()
            .Where(c => c.GetProperty("queue_name").GetString() == QueuePrefix + queue).ToList();
        return (consumers.Count, consumers.Count(c => c.GetProperty("active").GetBoolean()));
    }

    private static async Task EnsureBrokerReachableAsync(string uri)
    {
        try
        {
            var factory = new ConnectionFactory { Uri = new Uri(uri), RequestedConnectionTimeout = TimeSpan.FromSeconds(10) };
            await using var connection = await factory.CreateConnectionAsync();
        }
        catch (Exception e) when (e is BrokerUnreachableException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException($"Cannot reach RabbitMQ at {RabbitMqVariable}: {e.Message}. Start it with `sudo scripts/services.sh`.", e);
        }
    }

    /// <summary>Deletes every queue of this test's prefix (work, retry and dead-letter queues).</summary>
    private async Task DeleteQueuesAsync()
    {
        var names = await ListQueuesAsync();
        var factory = new ConnectionFactory { Uri = new Uri(RabbitUri) };
        await using var connection = await factory.CreateConnectionAsync();
        foreach (var name in names.Where(n => n.StartsWith(QueuePrefix, StringComparison.Ordinal)))
        {
            await using var channel = await connection.CreateChannelAsync();
            try { await channel.QueueDeleteAsync(name); }
            catch (OperationInterruptedException) { }
        }
    }

    private static async Task<IReadOnlyList<string>> ListQueuesAsync()
    {
        var (code, output) = await Shell.RunAsync("rabbitmqctl", ["-q", "list_queues", "name"], TimeSpan.FromSeconds(60));
        return code == 0 ? output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l != "name").ToList() : [];
    }

    // ---- web ---------------------------------------------------------------------------------------------

    public static async Task<JsonElement[]> GetSlotsAsync(RoleProcess web, string province, string state)
    {
        using var http = new HttpClient { BaseAddress = web.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
        return (await http.GetFromJsonAsync<JsonElement[]>($"/api/slots?province={province}&state={state}"))!;
    }

    public async ValueTask DisposeAsync()
    {
        List<RoleProcess> processes;
        lock (_processes) processes = [.. _processes];
        await Task.WhenAll(processes.Select(p => p.DisposeAsync().AsTask()));
        await Telegram.DisposeAsync();
        await Simulator.DisposeAsync();
        await _storage.DisposeAsync();
        try { await _dropDatabase.DisposeAsync(); } catch (Exception) { /* the server may be down after a failed restart test */ }
        try { await DeleteQueuesAsync(); } catch (Exception) { /* idem for the broker */ }
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.\n{context?.Invoke()}");
            await Task.Delay(25);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? context = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.\n{context?.Invoke()}");
            await Task.Delay(50);
        }
    }
}

public static class Shell
{
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{file} timed out after {timeout.TotalSeconds:0} s");
        }
        return (p.ExitCode, await stdout + await stderr);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda.Simulator;

namespace PassportBot.Agenda.Tests;

/// <summary>The real agenda client (built by <c>AddAgendaClient</c>) pointed at a real simulator on 127.0.0.1.</summary>
internal sealed class AgendaHarness : IAsyncDisposable
{
    private AgendaHarness(AgendaSimulator simulator, ServiceProvider services, CapturedLogs logs, string directory)
    {
        Simulator = simulator;
        Services = services;
        Logs = logs;
        Directory = directory;
    }

    public AgendaSimulator Simulator { get; }
    public ServiceProvider Services { get; }
    public CapturedLogs Logs { get; }
    /// <summary>A private temporary folder (token files live here).</summary>
    public string Directory { get; }
    public IAgendaClient Client => Services.GetRequiredService<IAgendaClient>();
    public IAgendaSession Session => Services.GetRequiredService<IAgendaSession>();
    public IProvinceScanner Scanner => Services.GetRequiredService<IProvinceScanner>();
    public string CookieFile => Path.Combine(Directory, "cookie_token");
    public string CsrfFile => Path.Combine(Directory, "xcsrf_token");

    /// <param name="credentials">Inline: the simulator's pair in Agenda:Cookie/CsrfToken. Files: token files in
    /// <see cref="Directory"/> (written now). None: nothing configured.</param>
    public static async Task<AgendaHarness> StartAsync(
        HarnessCredentials credentials = HarnessCredentials.Inline,
        IDictionary<string, string?>? agenda = null,
        AgendaSimulatorSettings? simulatorSettings = null,
        TimeProvider? clientTime = null)
    {
        var simulator = new AgendaSimulator(simulatorSettings);
        var baseUrl = await simulator.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "passportbot-agenda-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);

        var settings = new Dictionary<string, string?>
        {
            ["Agenda:BaseUrl"] = baseUrl,
            ["Agenda:CookieFile"] = Path.Combine(directory, "cookie_token"),
            ["Agenda:CsrfTokenFile"] = Path.Combine(directory, "xcsrf_token"),
            ["Agenda:RequestTimeout"] = "00:00:05",
            ["Agenda:MaxRetries"] = "2",
            ["Agenda:RetryBaseDelay"] = "00:00:00.010",
        };
        if (credentials == HarnessCredentials.Inline)
        {
            settings["Agenda:Cookie"] = simulator.Credentials.Cookie;
            settings["Agenda:CsrfToken"] = simulator.Credentials.CsrfToken;
        }
        foreach (var (key, value) in agenda ?? new Dictionary<string, string?>()) settings["Agenda:" + key] = value;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (clientTime is not null) services.AddSingleton(clientTime);
        services.AddAgendaClient(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var harness = new AgendaHarness(simulator, provider, logs, directory);
        if (credentials == HarnessCredentials.Files) await harness.WriteTokenFilesAsync(simulator.Credentials);
        return harness;
    }

    public async Task WriteTokenFilesAsync(AgendaCredentials credentials, string cookiePrefix = "", string csrfPrefix = "")
    {
        await File.WriteAllTextAsync(CookieFile, cookiePrefix + credentials.Cookie + "\n");
        await File.WriteAllTextAsync(CsrfFile, csrfPrefix + credentials.CsrfToken + "\r\n");
        // Make the change visible even on file systems with coarse timestamps.
        var stamp = DateTime.UtcNow.AddSeconds(Interlocked.Increment(ref fileGeneration));
        File.SetLastWriteTimeUtc(CookieFile, stamp);
        File.SetLastWriteTimeUtc(CsrfFile, stamp);
    }

    /// <summary>Every secret the simulator ever issued in this test, to check none leaks.</summary>
    public IEnumerable<string> SecretsIssued => issued;

    public void RememberSecrets(AgendaCredentials credentials)
    {
        issued.Add(credentials.CsrfToken);
        issued.Add(credentials.Cookie);
        foreach (var part in credentials.Cookie.Split(';', StringSplitOptions.TrimEntries))
            if (part.StartsWith("JSESSIONID=", StringComparison.Ordinal)) issued.Add(part["JSESSIONID=".Length..]);
    }

    private readonly ConcurrentBag<string> issued = [];
    private static int fileGeneration;

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Simulator.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

internal enum HarnessCredentials { Inline, Files, None }

/// <summary>Everything logged, formatted, with exceptions, for secret-leak checks.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = new();

    public IReadOnlyList<string> Entries => entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner.entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{structured}] {exception}");
        }
    }
}

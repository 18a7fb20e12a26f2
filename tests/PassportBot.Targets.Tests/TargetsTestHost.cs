using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;

namespace PassportBot.Targets.Tests;

/// <summary>A host with the real in-process bus and the real target senders and consumer, configured like a
/// deployment; every log line is kept so tests can check no secret was written.</summary>
public sealed class TargetsTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private TargetsTestHost(IHost host, LogCapture logs)
    {
        Host = host;
        Logs = logs;
    }

    public IHost Host { get; }
    public LogCapture Logs { get; }
    public IMessageBus Bus => Host.Services.GetRequiredService<IMessageBus>();
    public IDeadLetterQueue DeadLetters => Host.Services.GetRequiredService<IDeadLetterQueue>();

    public static async Task<TargetsTestHost> StartAsync(IDictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["Notifications:RetryDelay"] = "00:00:00.050",
            ["Notifications:Timeout"] = "00:00:02",
            ["Notifications:MaxAttempts"] = "3",
        };
        foreach (var (key, value) in settings) values[key] = value;
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        var logs = new LogCapture();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(logs);
        builder.Services.AddInMemoryBus();
        builder.Services.AddNotificationTargets(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new TargetsTestHost(host, logs);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}

public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
    }
}

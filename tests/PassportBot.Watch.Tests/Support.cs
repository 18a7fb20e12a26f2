using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PassportBot.Agenda;
using PassportBot.Agenda.Simulator;
using PassportBot.Domain;
using PassportBot.Watch.Hosting;
using PassportBot.Watch.Output;

namespace PassportBot.Watch.Tests;

/// <summary>A thread-safe writer that keeps complete lines and lets a test wait for them.</summary>
public sealed class LineWriter : TextWriter
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly StringBuilder pending = new();

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines { get { lock (gate) return lines.ToArray(); } }

    public string Text { get { lock (gate) return string.Join("\n", lines) + pending; } }

    public override void Write(char value)
    {
        lock (gate)
        {
            if (value == '\n')
            {
                lines.Add(pending.ToString().TrimEnd('\r'));
                pending.Clear();
            }
            else pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "") Write(c);
    }

    public Task WaitForAsync(Func<IReadOnlyList<string>, bool> condition, string what, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => condition(Lines), () => $"{what}; lines so far:\n{string.Join("\n", Lines)}", timeout);
}

public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for " + describe());
            await Task.Delay(20);
        }
    }
}

/// <summary>Reads a fixed instant, so first_seen in the plain lines is known; timers still run in real time.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public static FixedClock AtRealNow() => new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
}

/// <summary>A fake clock that moves forward in small steps while a test runs, faster than real time: waits of seconds
/// (a 429's retry_after, a chat's spacing) take a fraction of that, and the watch, its rate limiter and the fake Bot API
/// all read the same instant, so spacing is measured exactly as the limiter meant it. Dispose last (after the watch):
/// stopping the watch may still wait on the clock.</summary>
public sealed class RunningClock : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task pump;

    public RunningClock(TimeSpan step)
    {
        Time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        pump = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Time.Advance(step);
                try { await Task.Delay(5, stop.Token); }
                catch (OperationCanceledException) { }
            }
        });
    }

    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time { get; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await pump;
        stop.Dispose();
    }
}

/// <summary>A temporary folder with the two token files, cleaned up afterwards.</summary>
public sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "passportbot-watch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string CookieFile => System.IO.Path.Combine(Path, "cookie_token");

    public string CsrfFile => System.IO.Path.Combine(Path, "xcsrf_token");

    public string StateFile => System.IO.Path.Combine(Path, "state", "watch-state.json");

    public void WriteCredentials(AgendaCredentials credentials)
    {
        File.WriteAllText(CookieFile, credentials.Cookie + "\n");
        File.WriteAllText(CsrfFile, credentials.CsrfToken + "\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A simulator with one office made bookable all day, and helpers to place slots in it.</summary>
public sealed class Agenda : IAsyncDisposable
{
    private Agenda(AgendaSimulator simulator) => Simulator = simulator;

    public AgendaSimulator Simulator { get; }

    public static DateOnly Today => RomeTime.Today(TimeProvider.System);

    public static async Task<Agenda> StartAsync()
    {
        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        return new Agenda(simulator);
    }

    /// <summary>Adds a slot to an office whose bookings are open all day (so the test does not depend on the hour).</summary>
    public SlotKey AddSlot(string officeCode, int daysAhead, int hour, int places)
    {
        var office = Simulator.World.GetOffice(officeCode);
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return Simulator.World.AddSlot(office.Id, Today.AddDays(daysAhead), new TimeOnly(hour, 0), places);
    }

    public ValueTask DisposeAsync() => Simulator.DisposeAsync();
}

/// <summary>A running watch, built through the same host as <c>passportbot watch</c>, in plain mode.</summary>
public sealed class WatchRun : IAsyncDisposable
{
    private readonly IHost host;
    private readonly CancellationTokenSource stop = new();
    private readonly Task running;

    private WatchRun(IHost host, LineWriter output, LineWriter error)
    {
        this.host = host;
        Output = output;
        Error = error;
        Status = host.Services.GetRequiredService<WatchStatus>();
        running = host.Services.GetRequiredService<Watcher>().RunAsync(stop.Token);
    }

    public LineWriter Output { get; }

    public LineWriter Error { get; }

    public WatchStatus Status { get; }

    /// <summary>The watch's own task: ends when stopped, or fails if it cannot start.</summary>
    public Task Completion => running;

    public static Dictionary<string, string?> Configuration(AgendaSimulator simulator, TestFolder folder) => new()
    {
        ["Agenda:BaseUrl"] = simulator.BaseUrl,
        ["Agenda:CookieFile"] = folder.CookieFile,
        ["Agenda:CsrfTokenFile"] = folder.CsrfFile,
        ["Agenda:MaxRetries"] = "0",
        ["Agenda:RetryBaseDelay"] = "00:00:00.010",
        ["Agenda:RequestTimeout"] = "00:00:05",
        ["Watch:Provinces:0"] = "TO",
        ["Watch:Interval"] = "00:00:00.200",
        ["Watch:MaxBackoff"] = "00:00:00.400",
        ["Watch:CredentialCheckInterval"] = "00:00:00.050",
        ["Watch:StateFile"] = folder.StateFile,
        ["Watch:Quiet"] = "true",
        ["Telegram:Token"] = "",
    };

    public static async Task<WatchRun> StartAsync(AgendaSimulator simulator, TestFolder folder, TimeProvider clock,
        IDictionary<string, string?>? extra = null)
    {
        var settings = Configuration(simulator, folder);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        var output = new LineWriter();
        var error = new LineWriter();
        var builder = WatchHost.CreateWatchBuilder(c => c.AddInMemoryCollection(settings),
            new WatchTerminal(output, error, outputIsTerminal: false, errorIsTerminal: false), demo: false);
        builder.Services.Replace(ServiceDescriptor.Singleton(clock));
        var host = builder.Build();
        await host.StartAsync();
        return new WatchRun(host, output, error);
    }

    /// <summary>Waits until <paramref name="more"/> further province scans have completed.</summary>
    public async Task WaitForPollsAsync(int more)
    {
        var target = Status.Current.Polls + more;
        await Wait.UntilAsync(() => Status.Current.Polls >= target, () => $"{more} more polls (at {Status.Current.Polls}); output:\n{Output.Text}");
    }

    public async Task StopAsync()
    {
        if (stop.IsCancellationRequested) return;
        await stop.CancelAsync();
        try { await running.WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (State.WatchStateInUseException) { }
        await host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        host.Dispose();
        stop.Dispose();
    }
}

using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PassportBot.ScaleOut.Tests;

/// <summary>One <c>passportbot &lt;role&gt;</c> OS process: started with <c>dotnet passportbot.dll</c> from the Cli
/// project's output folder, output captured (the tail goes into assertion messages), killed on dispose.</summary>
public sealed class RoleProcess : IAsyncDisposable
{
    private const int TailLines = 80;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly Lock _gate = new();
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private RoleProcess(string name, string role, int port, Process process)
    {
        Name = name;
        Role = role;
        Port = port;
        _process = process;
    }

    public string Name { get; }
    public string Role { get; }
    public int Port { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;
    public Uri HealthUrl => new($"http://127.0.0.1:{Port}/health");
    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/");

    /// <summary>The last lines the process wrote (stdout and stderr, interleaved as received).</summary>
    public string Tail
    {
        get
        {
            lock (_gate) return $"--- {Name} (pid {_process.Id}{(_process.HasExited ? $", exited {_process.ExitCode}" : "")}) ---\n" + string.Join('\n', _tail);
        }
    }

    public static RoleProcess Start(string name, string role, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> options, string workingDirectory, int port)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(PassportbotDll.Value);
        info.ArgumentList.Add(role);
        foreach (var o in options) info.ArgumentList.Add(o);
        // Secrets and connection strings go through the environment (never on a command line others can read).
        foreach (var (k, v) in environment) info.Environment[k] = v ?? "";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var rp = new RoleProcess(name, role, port, process);
        process.OutputDataReceived += (_, e) => rp.Append(e.Data);
        process.ErrorDataReceived += (_, e) => rp.Append(e.Data);
        if (!process.Start()) throw new InvalidOperationException($"Could not start {name}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return rp;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _tail.Enqueue(line);
            while (_tail.Count > TailLines) _tail.Dequeue();
        }
    }

    /// <summary>GET /health; null when the process does not answer (yet).</summary>
    public async Task<(int Status, JsonElement Body)?> GetHealthAsync()
    {
        try
        {
            using var response = await Http.GetAsync(HealthUrl);
            var text = await response.Content.ReadAsStringAsync();
            return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or SocketException)
        {
            return null;
        }
    }

    /// <summary>Waits until /health answers (the host is up: configuration valid, roles started).</summary>
    public async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before answering /health.\n{Tail}");
            if (await GetHealthAsync() is not null) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{Name} did not answer /health within {timeout.TotalSeconds:0} s.\n{Tail}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>SIGTERM and wait for a graceful exit (SIGKILL after <paramref name="timeout"/>).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return;
        _ = SysKill(_process.Id, 15);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout.TotalSeconds:0} s.\n{Tail}");
        }
    }

    public int ExitCode => _process.ExitCode;

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>A port free right now on 127.0.0.1 (bound to port 0, then released) for a process's Web:Urls.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host
        : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p
        : "dotnet";

    /// <summary>src/PassportBot.Cli/bin/&lt;Configuration&gt;/&lt;TFM&gt;/passportbot.dll, found by walking up from this
    /// test assembly to the repository root, in the configuration this assembly was built with.</summary>
    public static readonly Lazy<string> PassportbotDll = new(() =>
    {
        var assembly = typeof(RoleProcess).Assembly;
        string Meta(string key) => assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == key).Value!;
        var configuration = Meta("Configuration");
        var framework = Meta("TargetFramework");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "PassportBot.Cli", "bin", configuration, framework, "passportbot.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"passportbot.dll ({configuration}, {framework}) not found under src/PassportBot.Cli/bin above {AppContext.BaseDirectory}; build the solution first.");
    });
}

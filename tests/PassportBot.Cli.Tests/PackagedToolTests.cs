using System.Diagnostics;

namespace PassportBot.Cli.Tests;

/// <summary>The executable as a user installs it: <c>dotnet pack</c>, then <c>dotnet tool install</c> from that
/// folder alone (a nuget.config that clears every other source, so nothing is fetched from outside), then the
/// installed <c>passportbot</c> runs.</summary>
public sealed class PackagedToolTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _work = Directory.CreateTempSubdirectory("passportbot-tool-").FullName;

    [Fact]
    public async Task Packed_tool_installs_from_a_local_folder_and_runs_help_and_the_watch_demo()
    {
        var repo = RepositoryRoot();
        var packages = Path.Combine(_work, "packages");
        var toolPath = Path.Combine(_work, "tools");
        await File.WriteAllTextAsync(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="{packages}" /></packageSources>
            </configuration>
            """);

        var pack = await RunAsync("dotnet", ["pack", Path.Combine(repo, "src", "PassportBot.Cli"), "-c", Configuration, "--no-build", "-o", packages, "-nologo"], repo, TimeSpan.FromMinutes(3));
        Assert.True(pack.ExitCode == 0, pack.Output);
        Assert.Single(Directory.GetFiles(packages, "PassportBot.*.nupkg"));

        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", toolPath, "--configfile", Path.Combine(_work, "nuget.config"), "PassportBot"], _work, TimeSpan.FromMinutes(2));
        Assert.True(install.ExitCode == 0, install.Output);
        var passportbot = Path.Combine(toolPath, "passportbot");

        var help = await RunAsync(passportbot, ["--help"], _work, TimeSpan.FromMinutes(1));
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("watch", help.Output);

        // The demo runs until stopped: wait for its first announcement, then stop it.
        var firstNew = await RunUntilAsync(passportbot, ["watch", "--demo", "--plain", "--province", "TO", "--state", Path.Combine(_work, "state.json")],
            _work, line => line.StartsWith("NEW TO", StringComparison.Ordinal), TimeSpan.FromMinutes(1));
        Assert.Matches(@"^NEW TO\w+ \d{4}-\d{2}-\d{2} \d{2}:\d{2} places=\d+", firstNew);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PassportBot.slnx"))) return dir.FullName;
        throw new InvalidOperationException("PassportBot.slnx not found above " + AppContext.BaseDirectory);
    }

    private static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(file, args, workingDirectory))!;
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<string> RunUntilAsync(string file, IEnumerable<string> args, string workingDirectory, Func<string, bool> wanted, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(file, args, workingDirectory))!;
        using var cts = new CancellationTokenSource(timeout);
        var seen = new List<string>();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                seen.Add(line);
                if (wanted(line)) return line;
            }
            throw new InvalidOperationException("The process ended before the expected line. Output:\n" + string.Join('\n', seen) + await process.StandardError.ReadToEndAsync(cts.Token));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

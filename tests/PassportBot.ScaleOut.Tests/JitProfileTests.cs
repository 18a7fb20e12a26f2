using PassportBot.Testing.Storage;

namespace PassportBot.ScaleOut.Tests;

/// <summary>The multicore JIT profile of a role, with real processes: each replica sharing the folder records its own
/// profile, writes it when it stops, and the next start of the role finds it.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class JitProfileTests
{
    [Fact]
    public async Task Replicas_record_their_own_profile_and_the_next_start_finds_one()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        await using var _ = drop;
        var folder = Directory.CreateTempSubdirectory("passportbot-jit-").FullName;
        var jit = Path.Combine(folder, "jit");
        var processes = new List<RoleProcess>();
        string Tails() => string.Join("\n", processes.Select(p => p.Tail));
        var environment = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
            ["Startup:JitProfileDirectory"] = jit,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:PassportBot.Cli.JitProfile"] = "Information",
        }.ToDictionary(kv => "PASSPORTBOT_" + kv.Key.Replace(":", "__"), kv => kv.Value);
        async Task<RoleProcess> StartAsync()
        {
            var port = RoleProcess.FreePort();
            var process = RoleProcess.Start($"web#{processes.Count + 1}", "web", environment, [$"--Web:Urls=http://127.0.0.1:{port}"], folder, port);
            processes.Add(process);
            await process.WaitUntilAnsweringAsync(Cluster.Timeout);
            return process;
        }
        try
        {
            var first = await StartAsync();
            var second = await StartAsync();
            Assert.True(first.Tail.Contains("web-0.jitprofile: none yet", StringComparison.Ordinal), Tails());
            Assert.True(second.Tail.Contains("web-1.jitprofile: none yet", StringComparison.Ordinal), Tails());

            await first.StopAsync(Cluster.Timeout);
            await second.StopAsync(Cluster.Timeout);
            foreach (var name in new[] { "web-0.jitprofile", "web-1.jitprofile" })
            {
                var profile = new FileInfo(Path.Combine(jit, name));
                Assert.True(profile.Exists && profile.Length > 0, $"{name} was not written at exit.\n{Tails()}");
            }

            var restarted = await StartAsync();
            Assert.True(restarted.Tail.Contains("web-0.jitprofile: compiling what the last run used", StringComparison.Ordinal), Tails());

            // A profile cut short (a disk that filled up) or overwritten with garbage costs the warm start, not the start.
            await restarted.StopAsync(Cluster.Timeout);
            var kept = await File.ReadAllBytesAsync(Path.Combine(jit, "web-0.jitprofile"));
            await File.WriteAllBytesAsync(Path.Combine(jit, "web-0.jitprofile"), kept[..(kept.Length / 3)]);
            var garbage = new byte[4096];
            new Random(7).NextBytes(garbage);
            await File.WriteAllBytesAsync(Path.Combine(jit, "web-1.jitprofile"), garbage);
            var afterTruncated = await StartAsync();
            var afterGarbage = await StartAsync();
            Assert.True((await afterTruncated.GetHealthAsync())?.Status == 200, Tails());
            Assert.True((await afterGarbage.GetHealthAsync())?.Status == 200, Tails());
            Assert.True(afterGarbage.Tail.Contains("web-1.jitprofile", StringComparison.Ordinal), Tails());
            Assert.False(afterTruncated.HasExited || afterGarbage.HasExited, Tails());
            // The folder holds method names only, and is the owner's alone.
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(jit));
        }
        finally
        {
            foreach (var p in processes) await p.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}

using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda.Credentials;

namespace PassportBot.Agenda.Tests;

public sealed class AgendaSessionTests
{
    [Fact]
    public async Task Missing_then_valid_then_expired_once_then_new_files_valid_again()
    {
        await using var h = await AgendaHarness.StartAsync(HarnessCredentials.None);
        var session = h.Session;

        Assert.Equal(CredentialState.Missing, await session.RefreshAsync(CancellationToken.None));
        Assert.Null(session.Current);

        var first = h.Simulator.Credentials;
        h.RememberSecrets(first);
        await h.WriteTokenFilesAsync(first, cookiePrefix: "Cookie: ", csrfPrefix: "X-CSRF-TOKEN: ");
        Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
        Assert.Equal(first, session.Current);
        Assert.NotEmpty(await h.Client.GetOfficesAsync("TO", CancellationToken.None));

        // The operator logs in elsewhere: the old session dies.
        var second = h.Simulator.RotateCredentials();
        h.RememberSecrets(second);
        var used = session.Current!;
        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.True(session.ReportExpired(used, ex.Message));
        Assert.False(session.ReportExpired(used, ex.Message)); // alert once, not once per poll
        Assert.Equal(CredentialState.Expired, session.State);
        Assert.NotNull(session.ExpiredAt);
        Assert.Null(session.Current);

        // Polling again reads the same dead credentials: still expired, no new alert, no request to the site.
        Assert.Equal(CredentialState.Expired, await session.RefreshAsync(CancellationToken.None));
        var calls = h.Simulator.Calls.Requests.Count;
        await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.Equal(calls, h.Simulator.Calls.Requests.Count);
        Assert.False(session.ReportExpired(used, "again"));

        // Saving the same content again does not revive them.
        await h.WriteTokenFilesAsync(first);
        Assert.Equal(CredentialState.Expired, await session.RefreshAsync(CancellationToken.None));

        await h.WriteTokenFilesAsync(second);
        Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
        Assert.Null(session.ExpiredAt);
        Assert.Equal(second, session.Current);
        Assert.NotEmpty(await h.Client.GetOfficesAsync("TO", CancellationToken.None));

        var log = string.Join("\n", h.Logs.Entries);
        Assert.Contains(first.Fingerprint, log);
        Assert.Contains("expired", log);
        foreach (var secret in h.SecretsIssued) Assert.DoesNotContain(secret, log);
    }

    [Fact]
    public async Task Expiry_reported_with_the_pre_refresh_token_still_alerts_once()
    {
        await using var h = await AgendaHarness.StartAsync();
        var before = h.Session.Current ?? (await h.Session.RefreshAsync(CancellationToken.None) == CredentialState.Valid ? h.Session.Current! : null!);
        h.Simulator.RotateCsrfToken();
        await h.Client.GetOfficesAsync("TO", CancellationToken.None);
        var after = h.Session.Current!;
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);

        Assert.True(h.Session.ReportExpired(before, "403"));
        Assert.False(h.Session.ReportExpired(after, "403"));
        Assert.Equal(CredentialState.Expired, h.Session.State);
    }

    [Fact]
    public async Task The_newest_source_wins()
    {
        await using var h = await AgendaHarness.StartAsync(HarnessCredentials.Inline);
        var inline = h.Simulator.Credentials;
        Assert.Equal(CredentialState.Valid, await h.Session.RefreshAsync(CancellationToken.None));
        Assert.Equal(inline, h.Session.Current);

        var files = new AgendaCredentials("JSESSIONID=FROMFILES", "11111111-2222-3333-4444-555555555555");
        await h.WriteTokenFilesAsync(files);
        await h.Session.RefreshAsync(CancellationToken.None);
        Assert.Equal(files, h.Session.Current);

        File.Delete(h.CookieFile);
        await h.Session.RefreshAsync(CancellationToken.None);
        Assert.Equal(inline, h.Session.Current);
    }

    [Fact]
    public async Task A_failing_source_does_not_hide_the_others()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z"));
        var good = new CredentialsSnapshot(new AgendaCredentials("JSESSIONID=A", "token-a"), time.GetUtcNow(), "test");
        var session = new AgendaSession([new ThrowingSource(), new FixedSource(good)], Options.Create(new AgendaOptions()), time, NullLogger<AgendaSession>.Instance);
        Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
        Assert.Equal(good.Credentials, session.Current);
    }

    [Fact]
    public async Task File_source_rereads_only_when_the_files_change()
    {
        var dir = Directory.CreateTempSubdirectory("passportbot-agenda-files-");
        try
        {
            var options = Options.Create(new AgendaOptions
            {
                CookieFile = Path.Combine(dir.FullName, "cookie_token"),
                CsrfTokenFile = Path.Combine(dir.FullName, "xcsrf_token"),
            });
            var source = new FileCredentialSource(options, NullLogger<FileCredentialSource>.Instance);
            Assert.Null(await source.ReadAsync(CancellationToken.None));

            await File.WriteAllTextAsync(options.Value.CookieFile!, "Cookie: JSESSIONID=ONE; lb=x\n");
            Assert.Null(await source.ReadAsync(CancellationToken.None)); // one file is not enough
            await File.WriteAllTextAsync(options.Value.CsrfTokenFile!, "  x-csrf-token: aaaa-bbbb  \r\n");
            var stamp = new DateTime(2026, 11, 26, 7, 0, 0, DateTimeKind.Utc);
            File.SetLastWriteTimeUtc(options.Value.CookieFile!, stamp);
            File.SetLastWriteTimeUtc(options.Value.CsrfTokenFile!, stamp.AddSeconds(5));

            var first = await source.ReadAsync(CancellationToken.None);
            Assert.Equal(new AgendaCredentials("JSESSIONID=ONE; lb=x", "aaaa-bbbb"), first!.Credentials);
            Assert.Equal(new DateTimeOffset(stamp.AddSeconds(5)), first.UpdatedAt);
            Assert.Same(first, await source.ReadAsync(CancellationToken.None));

            await File.WriteAllTextAsync(options.Value.CookieFile!, "JSESSIONID=TWO\n");
            File.SetLastWriteTimeUtc(options.Value.CookieFile!, stamp.AddSeconds(60));
            var second = await source.ReadAsync(CancellationToken.None);
            Assert.Equal(new AgendaCredentials("JSESSIONID=TWO", "aaaa-bbbb"), second!.Credentials);
            Assert.Equal(new DateTimeOffset(stamp.AddSeconds(60)), second.UpdatedAt);

            await File.WriteAllTextAsync(options.Value.CsrfTokenFile!, "   \n");
            Assert.Null(await source.ReadAsync(CancellationToken.None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task File_source_sees_a_kubernetes_secret_update_through_the_data_symlink()
    {
        var dir = Directory.CreateTempSubdirectory("passportbot-agenda-secret-");
        try
        {
            // The kubelet's layout: timestamped folders, "..data" pointing to the current one, and each key a
            // symlink through "..data". An update writes a new folder and renames a new "..data" link over the old.
            var stamp = new DateTime(2026, 11, 26, 7, 0, 0, DateTimeKind.Utc);
            foreach (var (folder, session) in new[] { ("..2026_11_26_07_00_00.1", "AAAA"), ("..2026_11_26_08_00_00.2", "BBBB") })
            {
                var path = Directory.CreateDirectory(Path.Combine(dir.FullName, folder)).FullName;
                await File.WriteAllTextAsync(Path.Combine(path, "cookie_token"), $"JSESSIONID={session}");
                await File.WriteAllTextAsync(Path.Combine(path, "xcsrf_token"), $"csrf-{session}");
                // Same size and time in both folders: only the content tells them apart.
                File.SetLastWriteTimeUtc(Path.Combine(path, "cookie_token"), stamp);
                File.SetLastWriteTimeUtc(Path.Combine(path, "xcsrf_token"), stamp);
            }
            var data = Path.Combine(dir.FullName, "..data");
            Directory.CreateSymbolicLink(data, "..2026_11_26_07_00_00.1");
            var options = Options.Create(new AgendaOptions
            {
                CookieFile = File.CreateSymbolicLink(Path.Combine(dir.FullName, "cookie_token"), "..data/cookie_token").FullName,
                CsrfTokenFile = File.CreateSymbolicLink(Path.Combine(dir.FullName, "xcsrf_token"), "..data/xcsrf_token").FullName,
            });
            var source = new FileCredentialSource(options, NullLogger<FileCredentialSource>.Instance);

            var first = await source.ReadAsync(CancellationToken.None);
            Assert.Equal(new AgendaCredentials("JSESSIONID=AAAA", "csrf-AAAA"), first!.Credentials);
            Assert.Equal(new DateTimeOffset(stamp), first.UpdatedAt);
            Assert.Same(first, await source.ReadAsync(CancellationToken.None));

            var next = Path.Combine(dir.FullName, "..data_tmp");
            Directory.CreateSymbolicLink(next, "..2026_11_26_08_00_00.2");
            Assert.True(Rename(next, data) == 0, $"rename(2) failed: errno {Marshal.GetLastPInvokeError()}");
            Assert.Equal("..2026_11_26_08_00_00.2", new DirectoryInfo(data).LinkTarget);

            var second = await source.ReadAsync(CancellationToken.None);
            Assert.Equal(new AgendaCredentials("JSESSIONID=BBBB", "csrf-BBBB"), second!.Credentials);
            Assert.Same(second, await source.ReadAsync(CancellationToken.None));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task File_source_warns_once_per_problem_not_once_per_read()
    {
        var dir = Directory.CreateTempSubdirectory("passportbot-agenda-bad-files-");
        var logs = new CapturedLogs();
        using var loggers = new LoggerFactory([logs]);
        try
        {
            var options = Options.Create(new AgendaOptions
            {
                CookieFile = Path.Combine(dir.FullName, "cookie_token"),
                CsrfTokenFile = Path.Combine(dir.FullName, "xcsrf_token"),
            });
            var source = new FileCredentialSource(options, loggers.CreateLogger<FileCredentialSource>());
            int Warnings() => logs.Entries.Count(e => e.StartsWith("Warning", StringComparison.Ordinal) && !e.Contains("other users", StringComparison.Ordinal));

            // A folder where the file should be: what a bind mount of a missing file leaves behind.
            Directory.CreateDirectory(options.Value.CookieFile!);
            await File.WriteAllTextAsync(options.Value.CsrfTokenFile!, "csrf-secret-1");
            for (var i = 0; i < 5; i++) Assert.Null(await source.ReadAsync(CancellationToken.None));
            Assert.Equal(1, Warnings());
            Assert.Contains("cookie_token", logs.Entries.Single(e => e.StartsWith("Warning", StringComparison.Ordinal)));

            Directory.Delete(options.Value.CookieFile!);
            await File.WriteAllTextAsync(options.Value.CookieFile!, "JSESSIONID=SECRET1");
            Assert.NotNull(await source.ReadAsync(CancellationToken.None));
            Assert.Contains(logs.Entries, e => e.Contains("readable again", StringComparison.Ordinal));

            // A different problem is reported, once.
            await File.WriteAllTextAsync(options.Value.CsrfTokenFile!, new string('x', FileCredentialSource.MaxFileBytes + 1));
            for (var i = 0; i < 5; i++) Assert.Null(await source.ReadAsync(CancellationToken.None));
            Assert.Equal(2, Warnings());
            Assert.Contains("xcsrf_token", logs.Entries.Last(e => e.StartsWith("Warning", StringComparison.Ordinal) && !e.Contains("other users", StringComparison.Ordinal)));
            // Written with the default umask (0644): one warning per file that others can read, not one per read.
            if (!OperatingSystem.IsWindows())
                Assert.Equal(2, logs.Entries.Count(e => e.Contains("can be read by other users", StringComparison.Ordinal)));

            var log = string.Join("\n", logs.Entries);
            Assert.DoesNotContain("SECRET1", log);
            Assert.DoesNotContain("csrf-secret-1", log);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Session_is_a_singleton_shared_by_clients()
    {
        await using var h = await AgendaHarness.StartAsync();
        Assert.Same(h.Services.GetRequiredService<IAgendaSession>(), h.Services.GetRequiredService<IAgendaSession>());
        Assert.Same(h.Services.GetRequiredService<IAgendaSession>(), h.Services.GetRequiredService<AgendaSession>());
        Assert.Equal(2, h.Services.GetServices<IAgendaCredentialSource>().Count());
    }

    /// <summary>rename(2): replaces the "..data" link atomically, as the kubelet does (File.Move does not move a
    /// symlink to a folder).</summary>
    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Rename(string oldPath, string newPath);

    private sealed class ThrowingSource : IAgendaCredentialSource
    {
        public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("database down");
    }

    private sealed class FixedSource(CredentialsSnapshot snapshot) : IAgendaCredentialSource
    {
        public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<CredentialsSnapshot?>(snapshot);
    }
}

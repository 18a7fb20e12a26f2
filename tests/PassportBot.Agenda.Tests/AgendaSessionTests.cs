using Microsoft.Extensions.DependencyInjection;
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
        var session = new AgendaSession([new ThrowingSource(), new FixedSource(good)], time, NullLogger<AgendaSession>.Instance);
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
    public async Task Session_is_a_singleton_shared_by_clients()
    {
        await using var h = await AgendaHarness.StartAsync();
        Assert.Same(h.Services.GetRequiredService<IAgendaSession>(), h.Services.GetRequiredService<IAgendaSession>());
        Assert.Same(h.Services.GetRequiredService<IAgendaSession>(), h.Services.GetRequiredService<AgendaSession>());
        Assert.Equal(2, h.Services.GetServices<IAgendaCredentialSource>().Count());
    }

    private sealed class ThrowingSource : IAgendaCredentialSource
    {
        public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("database down");
    }

    private sealed class FixedSource(CredentialsSnapshot snapshot) : IAgendaCredentialSource
    {
        public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken) => Task.FromResult<CredentialsSnapshot?>(snapshot);
    }
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda.Http;
using PassportBot.Agenda.Simulator.Server;

namespace PassportBot.Agenda.Tests;

/// <summary>A hostile or broken site: answers too big to hold, and pages that look like the site without being its
/// word on the session.</summary>
public sealed class HostileSiteTests
{
    private static readonly Dictionary<string, string?> TwoRetries = new() { ["MaxRetries"] = "2" };

    [Theory]
    [InlineData(HostileAnswer.GzipBomb)]
    [InlineData(HostileAnswer.HugeJson)]
    public async Task An_oversized_answer_is_refused_at_the_cap_and_not_retried(HostileAnswer answer)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: TwoRetries);
        h.Simulator.Faults.Serve(answer, calls: 100);

        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));

        Assert.Contains("larger than 4 MiB", ex.Message);
        Assert.Equal(1, h.Simulator.Calls.OfficeListCalls("TO"));
        Assert.Equal(CredentialState.Valid, h.Session.State);
    }

    [Theory]
    [InlineData(HostileAnswer.GzipBomb)]
    [InlineData(HostileAnswer.HugeJson)]
    public async Task An_oversized_answer_is_a_failed_poll_of_that_province_only(HostileAnswer answer)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: TwoRetries);
        h.Simulator.Faults.Serve(answer, calls: 1);

        var failed = await h.Scanner.ScanAsync("TO", CancellationToken.None);
        var next = await h.Scanner.ScanAsync("MI", CancellationToken.None);

        Assert.False(failed.Complete);
        Assert.Empty(failed.Coverage);
        Assert.Contains("larger than 4 MiB", Assert.Single(failed.Errors));
        Assert.True(next.Complete);
        Assert.NotEmpty(next.Coverage);
    }

    [Theory]
    [InlineData(HostileAnswer.MaintenancePage)]
    [InlineData(HostileAnswer.FirewallPage)]
    public async Task A_page_that_only_looks_like_the_site_is_a_transient_failure_not_expiry(HostileAnswer answer)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: TwoRetries);
        h.RememberSecrets(h.Simulator.Credentials);
        h.Simulator.Faults.Serve(answer, calls: 100);

        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));

        Assert.Equal(3, h.Simulator.Calls.OfficeListCalls("TO")); // retried like any transient failure
        Assert.Equal(CredentialState.Valid, h.Session.State);
        Assert.DoesNotContain(h.Logs.Entries, e => e.Contains("expired", StringComparison.OrdinalIgnoreCase));

        h.Simulator.Faults.Reset();
        Assert.NotEmpty(await h.Client.GetOfficesAsync("TO", CancellationToken.None));
        foreach (var secret in h.SecretsIssued) Assert.DoesNotContain(secret, ex.ToString());
    }

    [Fact]
    public async Task The_real_login_page_is_still_expiry()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: TwoRetries);
        h.Simulator.Faults.ServeLoginPage(calls: 1);
        await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
    }

    [Fact]
    public async Task Credentials_marked_expired_are_tried_again_every_interval_and_resume_once()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxRetries"] = "0" }, clientTime: clock);
        var session = h.Session;
        Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
        var credentials = session.Current!;

        // Refused (here: a login page served once by mistake), though the same credentials work a moment later.
        h.Simulator.Faults.ServeLoginPage(calls: 1);
        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.True(session.ReportExpired(credentials, ex.Message));
        var refusedAt = clock.GetUtcNow();

        clock.Advance(AgendaOptions.DefaultExpiredRetryInterval - TimeSpan.FromSeconds(1));
        Assert.Equal(CredentialState.Expired, await session.RefreshAsync(CancellationToken.None));
        Assert.False(session.Retrying);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
        Assert.True(session.Retrying);
        Assert.Equal(credentials, session.Current);
        Assert.NotEmpty(await h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.True(session.ReportWorking(credentials));
        Assert.False(session.ReportWorking(credentials)); // told once
        Assert.False(session.Retrying);
        Assert.Null(session.ExpiredAt);
        Assert.Equal(TimeSpan.FromMinutes(5), clock.GetUtcNow() - refusedAt);

        // A later real expiry of the same credentials is news again.
        Assert.True(session.ReportExpired(credentials, "403"));
    }

    [Fact]
    public async Task Credentials_still_refused_on_retry_stay_expired_without_a_new_alert()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxRetries"] = "0", ["ExpiredRetryInterval"] = "00:01:00" }, clientTime: clock);
        var session = h.Session;
        await session.RefreshAsync(CancellationToken.None);
        var credentials = session.Current!;
        h.RememberSecrets(credentials);
        h.RememberSecrets(h.Simulator.RotateCredentials());

        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.True(session.ReportExpired(credentials, ex.Message));
        var expiredAt = session.ExpiredAt;

        for (var round = 0; round < 3; round++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(CredentialState.Valid, await session.RefreshAsync(CancellationToken.None));
            Assert.True(session.Retrying);
            ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
            Assert.False(session.ReportExpired(credentials, ex.Message));
            Assert.Equal(CredentialState.Expired, session.State);
            Assert.Equal(expiredAt, session.ExpiredAt); // still expired since the first refusal
        }
        Assert.Equal(4, h.Simulator.Calls.OfficeListCalls("TO")); // one request per interval, no more
        var log = string.Join("\n", h.Logs.Entries);
        foreach (var secret in h.SecretsIssued) Assert.DoesNotContain(secret, log);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    [InlineData(null)]
    public async Task Compressed_answers_of_normal_size_are_decoded(string? encoding)
    {
        var json = """{"list":[{"id":40,"codice":"TOPQ60"}]}""";
        using var content = new ByteArrayContent(Encode(Encoding.UTF8.GetBytes(json), encoding));
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var body = await BoundedBody.ReadAsync(content, "/x", CancellationToken.None);

        Assert.Equal(json, Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_corrupt_compressed_answer_is_transient()
    {
        using var content = new ByteArrayContent([1, 2, 3, 4, 5, 6, 7, 8]);
        content.Headers.ContentEncoding.Add("gzip");
        await Assert.ThrowsAsync<AgendaTransientException>(() => BoundedBody.ReadAsync(content, "/x", CancellationToken.None));
    }

    [Fact]
    public async Task An_answer_announcing_too_many_bytes_is_refused_before_reading()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[16]) };
        response.Content.Headers.ContentLength = BoundedBody.MaxBytes + 1L;
        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => BoundedBody.ReadAsync(response.Content, "/x", CancellationToken.None));
        Assert.Contains("announced", ex.Message);
    }

    private static byte[] Encode(byte[] data, string? encoding)
    {
        if (encoding is null) return data;
        using var output = new MemoryStream();
        using (Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        })
        {
            compressor.Write(data);
        }
        return output.ToArray();
    }
}

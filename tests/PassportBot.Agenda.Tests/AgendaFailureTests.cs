using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda.Http;
using PassportBot.Agenda.Simulator.Server;

namespace PassportBot.Agenda.Tests;

/// <summary>Session expiry and transient failures, against the simulator misbehaving on demand.</summary>
public sealed class AgendaFailureTests
{
    [Fact]
    public async Task A_403_with_a_dead_cookie_is_session_expiry()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.RememberSecrets(h.Simulator.Credentials);
        h.RememberSecrets(h.Simulator.RotateCredentials());

        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));

        Assert.Contains("403", ex.Message);
        Assert.Equal(1, h.Simulator.Calls.OfficeListCalls("TO")); // not retried
        Assert.Equal(1, h.Simulator.Calls.Count(SimulatorEndpoint.CsrfPage)); // one refresh attempt, redirected to login
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task A_stale_csrf_token_is_refreshed_from_the_meta_tag_and_the_call_retried()
    {
        await using var h = await AgendaHarness.StartAsync();
        var original = h.Simulator.Credentials;
        h.RememberSecrets(original);
        var rotated = h.Simulator.RotateCsrfToken();
        h.RememberSecrets(rotated);

        var offices = await h.Client.GetOfficesAsync("TO", CancellationToken.None);

        Assert.NotEmpty(offices);
        Assert.Equal([403, 200], h.Simulator.Calls.Requests.Where(r => r.Endpoint == SimulatorEndpoint.OfficeList).Select(r => r.StatusCode));
        Assert.Equal(1, h.Simulator.Calls.Count(SimulatorEndpoint.CsrfPage));
        Assert.Equal(CredentialState.Valid, h.Session.State);
        Assert.Equal(rotated, h.Session.Current);

        // The refreshed token is kept: the next call goes straight through.
        await h.Client.GetOfficesAsync("MI", CancellationToken.None);
        Assert.Equal(1, h.Simulator.Calls.Count(SimulatorEndpoint.CsrfPage));
        Assert.Equal(rotated.CsrfToken, h.Simulator.Calls.Requests.Last().Headers["X-CSRF-TOKEN"]);
        AssertNoSecrets(h);
    }

    [Fact]
    public async Task An_HTML_login_page_with_200_is_session_expiry()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.RememberSecrets(h.Simulator.Credentials);
        h.Simulator.Faults.ServeLoginPage(calls: 1);

        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetMonthAsync(h.Simulator.World.GetOffice("TOPQ60").Id, null, CancellationToken.None));

        Assert.Contains("login page", ex.Message);
        Assert.Equal(1, h.Simulator.Calls.Count(SimulatorEndpoint.OfficeMonth));
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task A_redirect_to_login_is_session_expiry()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.RememberSecrets(h.Simulator.Credentials);
        h.Simulator.Faults.RedirectToLogin(calls: 1);

        var ex = await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.FindMunicipalityAsync("Roma", CancellationToken.None));

        Assert.Contains("redirected", ex.Message);
        Assert.Equal(1, h.Simulator.Calls.Count(SimulatorEndpoint.MunicipalitySearch));
        Assert.Equal(0, h.Simulator.Calls.Count(SimulatorEndpoint.Unknown)); // the redirect was not followed
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task Expiry_after_N_calls()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.RememberSecrets(h.Simulator.Credentials);
        h.Simulator.Faults.ExpireSessionAfter(2);

        await h.Client.GetOfficesAsync("TO", CancellationToken.None);
        await h.Client.GetOfficesAsync("MI", CancellationToken.None);
        await Assert.ThrowsAsync<AgendaSessionExpiredException>(() => h.Client.GetOfficesAsync("RM", CancellationToken.None));
        h.RememberSecrets(h.Simulator.Credentials);
        AssertNoSecrets(h);
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("5xx")]
    [InlineData("html")]
    public async Task Transient_failures_are_retried_then_succeed(string fault)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxRetries"] = "3" });
        Inject(h, fault, calls: 3);

        var offices = await h.Client.GetOfficesAsync("TO", CancellationToken.None);

        Assert.NotEmpty(offices);
        Assert.Equal(4, h.Simulator.Calls.OfficeListCalls("TO"));
        Assert.Contains(h.Logs.Entries, e => e.StartsWith("Warning") && e.Contains("retry 1 of 3"));
    }

    [Fact]
    public async Task Retry_delays_double_but_never_wait_longer_than_a_poll_interval()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?>
        {
            ["MaxRetries"] = "8",
            ["RetryBaseDelay"] = "00:00:01",
            ["PollInterval"] = "00:00:05",
        }, clientTime: clock);
        Inject(h, "5xx", calls: 100);

        var call = h.Client.GetOfficesAsync("TO", CancellationToken.None);
        var delays = new List<int>();
        for (var retry = 1; retry <= 8; retry++)
        {
            await Wait.UntilAsync(() => RetryDelays(h).Count >= retry, because: $"retry {retry} is scheduled");
            delays.Add(RetryDelays(h)[retry - 1]);
            clock.Advance(TimeSpan.FromMilliseconds(delays[^1] + 1));
        }

        await Assert.ThrowsAsync<AgendaUnavailableException>(() => call);
        Assert.Equal(9, h.Simulator.Calls.OfficeListCalls("TO"));
        Assert.All(delays, d => Assert.InRange(d, 0, 5000));
        // Uncapped, the 6th retry of a 1 s base would wait about half a minute.
        Assert.All(delays.Skip(5), d => Assert.Equal(5000, d));
    }

    private static List<int> RetryDelays(AgendaHarness h) =>
        h.Logs.Entries.Select(e => System.Text.RegularExpressions.Regex.Match(e, @"retry \d+ of 8 in (\d+) ms")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    [Theory]
    [InlineData("malformed", "Malformed JSON")]
    [InlineData("5xx", "HTTP 502")]
    public async Task Transient_failures_that_persist_become_AgendaUnavailable(string fault, string expected)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["MaxRetries"] = "2" });
        h.RememberSecrets(h.Simulator.Credentials);
        Inject(h, fault, calls: 100);

        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));

        Assert.Contains(expected, ex.Message);
        Assert.Contains(AgendaEndpoints.OfficeList, ex.Message);
        Assert.Contains("3 attempt(s)", ex.Message);
        Assert.Equal(3, h.Simulator.Calls.OfficeListCalls("TO"));
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task Slow_responses_time_out_per_attempt()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?>
        {
            ["RequestTimeout"] = "00:00:01",
            ["MaxRetries"] = "1",
        });
        h.RememberSecrets(h.Simulator.Credentials);
        await h.Client.GetOfficesAsync("MI", CancellationToken.None); // warm up: the first request JIT-compiles the server
        h.Simulator.Faults.SlowDown(TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));

        Assert.Contains("timed out", ex.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        await Wait.UntilAsync(() => h.Simulator.Calls.OfficeListCalls("TO") == 2, because: "both attempts reach the server");
        Assert.All(h.Simulator.Calls.Requests.Where(r => r.Province == "TO"), r => Assert.NotEqual(200, r.StatusCode));
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task A_slow_answer_within_the_timeout_is_fine()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.Simulator.Faults.SlowDown(TimeSpan.FromMilliseconds(100), calls: 1);
        Assert.NotEmpty(await h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.Equal(1, h.Simulator.Calls.OfficeListCalls("TO"));
    }

    [Fact]
    public async Task A_refused_connection_is_AgendaUnavailable()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["BaseUrl"] = "http://127.0.0.1:1" });
        h.RememberSecrets(h.Simulator.Credentials);
        var ex = await Assert.ThrowsAsync<AgendaUnavailableException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.Contains("Connection", ex.Message);
        AssertNoSecrets(h, ex);
    }

    [Fact]
    public async Task No_credentials_anywhere_is_reported_as_missing()
    {
        await using var h = await AgendaHarness.StartAsync(HarnessCredentials.None);
        await Assert.ThrowsAsync<AgendaCredentialsMissingException>(() => h.Client.GetOfficesAsync("TO", CancellationToken.None));
        Assert.Equal(CredentialState.Missing, h.Session.State);
        Assert.Empty(h.Simulator.Calls.Requests);
    }

    [Fact]
    public async Task Cancellation_is_not_turned_into_a_failure()
    {
        await using var h = await AgendaHarness.StartAsync();
        h.Simulator.Faults.SlowDown(TimeSpan.FromSeconds(30));
        using var cts = new CancellationTokenSource();
        var call = h.Client.GetOfficesAsync("TO", cts.Token);
        await Wait.UntilAsync(() => h.Simulator.Calls.MaxConcurrent > 0 || call.IsCompleted, because: "the request is in flight");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private static void Inject(AgendaHarness h, string fault, int calls)
    {
        switch (fault)
        {
            case "malformed": h.Simulator.Faults.ServeMalformedJson(calls); break;
            case "5xx": h.Simulator.Faults.FailWithStatus(calls, 502); break;
            case "html": h.Simulator.Faults.FailWithStatus(calls, 500); break;
        }
    }

    private static void AssertNoSecrets(AgendaHarness h, Exception? ex = null)
    {
        var texts = h.Logs.Entries.ToList();
        for (var e = ex; e is not null; e = e.InnerException) texts.Add(e.ToString());
        foreach (var secret in h.SecretsIssued)
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.Ordinal));
        Assert.NotEmpty(h.SecretsIssued);
    }
}

using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PassportBot.Web.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthy_host_answers_200_with_the_storage_component()
    {
        await using var app = await TestWebApp.StartAsync();

        var (response, json) = await app.GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["status", "components"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        var storage = json.GetProperty("components").GetProperty("storage");
        Assert.Equal("Healthy", storage.GetProperty("status").GetString());
        Assert.False(string.IsNullOrWhiteSpace(storage.GetProperty("description").GetString()));
        Assert.Equal("sqlite", storage.GetProperty("data").GetProperty("provider").GetString());
        Assert.True(storage.GetProperty("data").GetProperty("latencyMs").GetDouble() >= 0);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TO: The agenda site refused /cittadino/x (HTTP 403) and sends its app page to the login: the session has expired.", "agenda session expired")]
    [InlineData("MI: Agenda endpoint /cittadino/a/rc/v1/x timed out after 4 attempt(s) of 20 s.", "timeout")]
    [InlineData("RM: The answer of /cittadino/n/rc/v1/x is larger than 4 MiB (decompressed); refused.", "agenda answer too large")]
    [InlineData("NA: NpgsqlException: password authentication failed for user pb at 10.1.2.3", "database error")]
    [InlineData("TO: InvalidOperationException: something at /srv/app/x.cs", "failed (see the logs)")]
    public async Task Error_texts_in_health_data_become_a_short_classified_reason(string error, string reason)
    {
        await using var app = await TestWebApp.StartAsync(services => services.AddHealthChecks().AddCheck("poller", () =>
            HealthCheckResult.Degraded("Polling.", data: new Dictionary<string, object> { ["lastError"] = error, ["provinces"] = 3 })));

        var body = await (await app.Client.GetAsync("/health")).Content.ReadAsStringAsync();
        var data = JsonDocument.Parse(body).RootElement.GetProperty("components").GetProperty("poller").GetProperty("data");

        Assert.Equal(reason, data.GetProperty("lastError").GetString());
        Assert.Equal(3, data.GetProperty("provinces").GetInt32());
        Assert.DoesNotContain("/cittadino", body, StringComparison.Ordinal);
        Assert.DoesNotContain("10.1.2.3", body, StringComparison.Ordinal);
        Assert.DoesNotContain("/srv/app", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_degraded_component_still_answers_200_and_secrets_in_its_data_are_redacted()
    {
        const string cookie = "SESSION=TEST-ONLY-not-a-cookie";
        await using var app = await TestWebApp.StartAsync(services => services.AddHealthChecks().AddCheck("poller", () =>
            HealthCheckResult.Degraded("Agenda credentials expired; waiting for new ones.", data: new Dictionary<string, object>
            {
                ["credentials"] = "expired",
                ["since"] = new DateTimeOffset(2026, 11, 26, 5, 0, 0, TimeSpan.FromHours(1)),
                ["cookie"] = cookie,
                ["X-CSRF-Token"] = "csrf-abcdef",
                ["provinces"] = new[] { "TO", "CA" },
            })));

        var response = await app.Client.GetAsync("/health");
        var body = await response.Content.ReadAsStringAsync();
        var json = JsonDocument.Parse(body).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", json.GetProperty("status").GetString());
        var poller = json.GetProperty("components").GetProperty("poller");
        Assert.Equal("Degraded", poller.GetProperty("status").GetString());
        Assert.Equal("Agenda credentials expired; waiting for new ones.", poller.GetProperty("description").GetString());
        var data = poller.GetProperty("data");
        Assert.Equal("expired", data.GetProperty("credentials").GetString());
        Assert.Equal("2026-11-26T04:00:00Z", data.GetProperty("since").GetString());
        Assert.Equal(["TO", "CA"], data.GetProperty("provinces").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("[redacted]", data.GetProperty("cookie").GetString());
        Assert.Equal("[redacted]", data.GetProperty("X-CSRF-Token").GetString());
        Assert.DoesNotContain("TEST-ONLY-not-a-cookie", body, StringComparison.Ordinal);
        Assert.DoesNotContain("csrf-abcdef", body, StringComparison.Ordinal);
        Assert.Equal("Healthy", json.GetProperty("components").GetProperty("storage").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unhealthy_component_answers_503()
    {
        await using var app = await TestWebApp.StartAsync(services => services.AddHealthChecks()
            .AddCheck("bus", () => HealthCheckResult.Unhealthy("Broker unreachable."))
            .AddCheck("dispatcher", () => HealthCheckResult.Degraded("Paused by a 429."))
            .AddCheck("relay", () => throw new InvalidOperationException("Server=db;Password=hunter2")));

        var (response, json) = await app.GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        var components = json.GetProperty("components");
        Assert.Equal(["bus", "dispatcher", "relay", "storage"], components.EnumerateObject().Select(p => p.Name));
        var relay = components.GetProperty("relay");
        Assert.Equal("Unhealthy", relay.GetProperty("status").GetString());
        Assert.Equal("Check failed (InvalidOperationException).", relay.GetProperty("description").GetString());
        Assert.DoesNotContain("hunter2", json.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("Unhealthy", components.GetProperty("bus").GetProperty("status").GetString());
        Assert.Equal("Degraded", components.GetProperty("dispatcher").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unreachable_database_makes_storage_unhealthy_and_the_api_503_without_details()
    {
        var missing = Path.Combine(Path.GetTempPath(), "passportbot-tests", "no-such-folder-" + Guid.NewGuid().ToString("N"), "pb.db");
        await using var app = await TestWebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={missing};Mode=ReadWrite",
            ["Storage:MigrateOnStart"] = "false",
        });

        var (health, json) = await app.GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("Unhealthy", json.GetProperty("components").GetProperty("storage").GetProperty("status").GetString());

        var response = await app.Client.GetAsync("/api/provinces");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("no-such-folder", body, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-folder", await (await app.Client.GetAsync("/health")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Live_answers_200_while_the_process_runs_and_ready_503_while_a_dependency_is_down()
    {
        var missing = Path.Combine(Path.GetTempPath(), "passportbot-tests", "no-such-folder-" + Guid.NewGuid().ToString("N"), "pb.db");
        await using var app = await TestWebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = $"Data Source={missing};Mode=ReadWrite",
            ["Storage:MigrateOnStart"] = "false",
        });

        var (live, liveJson) = await app.GetJsonAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", liveJson.GetProperty("status").GetString());
        Assert.Empty(liveJson.GetProperty("components").EnumerateObject());

        var (ready, readyJson) = await app.GetJsonAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", readyJson.GetProperty("components").GetProperty("storage").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_answers_200_when_the_dependencies_answer()
    {
        await using var app = await TestWebApp.StartAsync();

        var (ready, json) = await app.GetJsonAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", json.GetProperty("components").GetProperty("storage").GetProperty("status").GetString());
    }
}

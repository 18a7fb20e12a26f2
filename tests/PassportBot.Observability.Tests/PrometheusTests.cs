using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Xunit.Abstractions;

namespace PassportBot.Observability.Tests;

/// <summary>The alert rules in <c>deploy/prometheus</c> and our scrape endpoint, checked with Debian's Prometheus
/// (<c>promtool</c> and the server itself, installed by scripts/services.sh): the rules parse, behave as their unit
/// tests say, and fire on the metric names the running system really exports.</summary>
public sealed class PrometheusTests(ITestOutputHelper output)
{
    /// <summary>Overrides the folder holding <c>prometheus</c> and <c>promtool</c> (default /usr/bin).</summary>
    public const string FolderVariable = "PASSPORTBOT_TEST_PROMETHEUS_BIN";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly string Rules = Path.Combine(RepositoryRoot(), "deploy", "prometheus");

    [Fact]
    public async Task The_alert_rules_parse_and_pass_their_unit_tests()
    {
        var check = await RunAsync(Tool("promtool"), Rules, "check", "rules", "alerts.yml");
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 4 rules found", check.Output);

        var test = await RunAsync(Tool("promtool"), Rules, "test", "rules", "alerts.test.yml");
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_system_and_the_expired_session_alert_goes_off_when_the_session_expires()
    {
        await using var system = await RunningSystem.StartAsync();
        await system.SubscribeAsync(5001, "TO");
        await Eventually.TrueAsync(async () => (await system.Http.GetStringAsync("/metrics")).Contains("passportbot_agenda_polls_total", StringComparison.Ordinal),
            Patience, "a first poll");

        // The exposition format as Prometheus' own linter reads it.
        var scrape = await system.Http.GetStringAsync("/metrics");
        var lint = await RunWithInputAsync(Tool("promtool"), Rules, scrape, "check", "metrics");
        output.WriteLine(lint.Output);
        Assert.DoesNotContain("error", lint.Output, StringComparison.OrdinalIgnoreCase);
        // Naming warnings are allowed for the runtime's own meters (e.g. dotnet_timer_count), not for ours.
        Assert.DoesNotContain("passportbot_", lint.Output, StringComparison.Ordinal);

        var port = FreePort();
        var folder = Directory.CreateTempSubdirectory("passportbot-prometheus-").FullName;
        try
        {
            var target = system.Http.BaseAddress!;
            await File.WriteAllTextAsync(Path.Combine(folder, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - {Path.Combine(Rules, "alerts.yml")}
                scrape_configs:
                  - job_name: passportbot
                    static_configs:
                      - targets: ["{target.Host}:{target.Port}"]
                """);
            using var prometheus = Process.Start(new ProcessStartInfo(Tool("prometheus"))
            {
                ArgumentList =
                {
                    "--config.file=" + Path.Combine(folder, "prometheus.yml"),
                    "--storage.tsdb.path=" + Path.Combine(folder, "data"),
                    "--web.listen-address=127.0.0.1:" + port,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            prometheus.OutputDataReceived += (_, _) => { };
            prometheus.ErrorDataReceived += (_, _) => { };
            prometheus.BeginOutputReadLine();
            prometheus.BeginErrorReadLine();
            try
            {
                using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
                await Eventually.TrueAsync(async () => await QueryAsync(api, "passportbot_agenda_credentials{passportbot_credentials_state=\"valid\"}") == 1,
                    Patience, "Prometheus scraping a valid session");
                Assert.Empty(await ActiveAlertsAsync(api, "PassportBotAgendaSessionExpired"));

                // The operator's session expires on the site: the poller notices at its next poll.
                system.Simulator.RotateCredentials();
                string[] states = [];
                await Eventually.TrueAsync(async () => (states = await ActiveAlertsAsync(api, "PassportBotAgendaSessionExpired")).Length > 0,
                    Patience, "the session-expired alert");
                output.WriteLine("PassportBotAgendaSessionExpired: " + string.Join(", ", states));
                // Pending for the rule's 2 minutes before it fires: that it is active at all proves the expression
                // matches what the system exports.
                Assert.All(states, s => Assert.Contains(s, new[] { "pending", "firing" }));

                // Every query of the Grafana dashboard is valid PromQL for this Prometheus (Grafana's variables
                // replaced as Grafana would).
                using var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "deploy", "grafana", "passportbot.json")));
                var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
                    .SelectMany(p => p.TryGetProperty("targets", out var t) ? t.EnumerateArray() : Enumerable.Empty<JsonElement>())
                    .Select(t => t.GetProperty("expr").GetString()!)
                    .ToList();
                Assert.NotEmpty(queries);
                foreach (var query in queries)
                {
                    var promql = query.Replace("$__rate_interval", "1m", StringComparison.Ordinal)
                        .Replace("$__range", "5m", StringComparison.Ordinal)
                        .Replace("$job", ".*", StringComparison.Ordinal);
                    using var answer = await api.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
                    Assert.True(answer.IsSuccessStatusCode, $"{query}: {await answer.Content.ReadAsStringAsync()}");
                }
                output.WriteLine($"{queries.Count} dashboard queries accepted");
            }
            finally
            {
                prometheus.Kill(entireProcessTree: true);
                await prometheus.WaitForExitAsync();
            }
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<double?> QueryAsync(HttpClient api, string query)
    {
        try
        {
            var json = await api.GetFromJsonAsync<JsonElement>("api/v1/query?query=" + Uri.EscapeDataString(query));
            var result = json.GetProperty("data").GetProperty("result");
            return result.GetArrayLength() == 0 ? null : double.Parse(result[0].GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private static async Task<string[]> ActiveAlertsAsync(HttpClient api, string name)
    {
        var json = await api.GetFromJsonAsync<JsonElement>("api/v1/alerts");
        return json.GetProperty("data").GetProperty("alerts").EnumerateArray()
            .Where(a => a.GetProperty("labels").GetProperty("alertname").GetString() == name)
            .Select(a => a.GetProperty("state").GetString()!)
            .ToArray();
    }

    private static string Tool(string name)
    {
        var folder = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } custom ? custom : "/usr/bin";
        var path = Path.Combine(folder, name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"No {name} at {path}. Install Debian's prometheus (`apt-get install --no-install-recommends prometheus`, done by " +
                $"scripts/services.sh as root) or point {FolderVariable} at the folder holding prometheus and promtool.");
        }
        return path;
    }

    private static Task<(int ExitCode, string Output)> RunAsync(string tool, string folder, params string[] arguments) =>
        RunWithInputAsync(tool, folder, null, arguments);

    private static async Task<(int ExitCode, string Output)> RunWithInputAsync(string tool, string folder, string? stdin, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PassportBot.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PassportBot.slnx) not found above " + AppContext.BaseDirectory);
    }
}

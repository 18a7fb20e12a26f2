using PassportBot.Testing;
using Xunit.Abstractions;

namespace PassportBot.Observability.Tests;

/// <summary><c>GET /metrics</c> of the running system while a new slot fans out to its subscribers.</summary>
public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_counters_move_during_a_fan_out_and_no_secret_is_exposed()
    {
        await using var system = await RunningSystem.StartAsync();
        const int subscribers = 25;
        var office = system.AlwaysBookableOffice("TOPQ60");
        for (var chat = 1000L; chat < 1000 + subscribers; chat++) await system.SubscribeAsync(chat, "TO");
        await Eventually.TrueAsync(async () => (await ScrapeAsync(system)).Sum("passportbot_agenda_polls_total", ("passportbot_province", "TO"), ("passportbot_outcome", "success")) >= 1,
            Timeout, "a successful poll of TO");

        var before = await ScrapeAsync(system);
        var key = system.Simulator.World.AddSlot(office, system.Day(3), new TimeOnly(17, 0), 2);
        var date = PassportBot.Domain.AvailabilityFormatter.Day(key.Date);
        await Eventually.TrueAsync(() => Enumerable.Range(1000, subscribers).All(c => system.MessagesTo(c, date) == 1), Timeout, "the fan-out to every subscriber");

        // The dispatcher counts after Telegram answered; the gauges are sampled every 100 ms here.
        PrometheusText after = before;
        await Eventually.TrueAsync(async () =>
        {
            after = await ScrapeAsync(system);
            return Delta("passportbot_messages_sent_total", ("passportbot_message_kind", "new")) >= subscribers
                && after.Has("passportbot_queue_depth")
                // The job was expanded before the last message went out: sampled since, nothing is pending.
                && after.Has("passportbot_fanout_jobs_pending") && after.Sum("passportbot_fanout_jobs_pending") == 0;
        }, Timeout, "the counters after the fan-out");

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);

        var checks = new (string What, double Value, double AtLeast)[]
        {
            ("passportbot_messages_sent_total{target_kind=user,message_kind=new} delta",
                Delta("passportbot_messages_sent_total", ("passportbot_target_kind", "user"), ("passportbot_message_kind", "new")), subscribers),
            ("passportbot_message_delivery_duration_seconds_count delta", Delta("passportbot_message_delivery_duration_seconds_count", ("passportbot_message_kind", "new")), subscribers),
            ("passportbot_slots_new_total{province=TO} delta", Delta("passportbot_slots_new_total", ("passportbot_province", "TO")), 1),
            ("passportbot_agenda_polls_total{province=TO,outcome=success} delta", Delta("passportbot_agenda_polls_total", ("passportbot_province", "TO"), ("passportbot_outcome", "success")), 1),
            ("passportbot_agenda_request_duration_seconds_count{endpoint=offices} delta", Delta("passportbot_agenda_request_duration_seconds_count", ("passportbot_agenda_endpoint", "offices")), 1),
            ("passportbot_outbox_lag_seconds_count delta", Delta("passportbot_outbox_lag_seconds_count"), subscribers),
            ("passportbot_agenda_credentials{state=valid}", after.Sum("passportbot_agenda_credentials", ("passportbot_credentials_state", "valid")), 1),
            ("passportbot_agenda_poll_last_success_seconds{province=TO}", after.Sum("passportbot_agenda_poll_last_success_seconds", ("passportbot_province", "TO")), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds()),
            ("http_client_request_duration_seconds_count delta (HttpClient meter)", Delta("http_client_request_duration_seconds_count"), subscribers),
            ("http_server_request_duration_seconds_count (ASP.NET Core meter)", after.Sum("http_server_request_duration_seconds_count"), 1),
        };
        foreach (var (what, value, atLeast) in checks) output.WriteLine($"{what} = {value} (expected >= {atLeast})");
        Assert.All(checks, c => Assert.True(c.Value >= c.AtLeast, $"{c.What} = {c.Value}, expected at least {c.AtLeast}"));
        Assert.True(after.Samples().Any(s => s.Name.StartsWith("dotnet_", StringComparison.Ordinal)), "runtime metrics (dotnet_*) are exported");
        Assert.Equal(0, after.Sum("passportbot_messages_failed_total"));
        Assert.True(after.Samples().Any(s => s.Name == "passportbot_queue_depth" && s.Labels.GetValueOrDefault("messaging_destination_name") == "message.dlq"),
            "the dead-letter queue depth of message is exported");

        Assert.DoesNotContain(system.Telegram.Token, after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(system.Telegram.Token.Split(':')[1], after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(system.Simulator.Credentials.Cookie, after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(system.Simulator.Credentials.CsrfToken, after.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("1000", after.Samples().SelectMany(s => s.Labels.Values));
    }

    [Fact]
    public async Task A_dead_lettered_notification_is_counted_by_target_kind_and_queue()
    {
        // A webhook that refuses every delivery (400): the target consumer dead-letters each event at once.
        await using var refuser = await FakeHttpReceiver.StartAsync();
        refuser.DefaultStatus = 400;
        const string secret = "webhook-secret-never-in-metrics";
        await using var system = await RunningSystem.StartAsync(extra: new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:refuser:Url"] = refuser.BaseUrl + "/hook",
            ["Notifications:Webhooks:refuser:Secret"] = secret,
            ["Notifications:Webhooks:refuser:Provinces:0"] = "TO",
        });
        var office = system.AlwaysBookableOffice("TOPQ60");
        await system.SubscribeAsync(1000, "TO");
        await Eventually.TrueAsync(async () => (await ScrapeAsync(system)).Sum("passportbot_agenda_polls_total", ("passportbot_province", "TO"), ("passportbot_outcome", "success")) >= 1,
            Timeout, "a successful poll of TO");

        system.Simulator.World.AddSlot(office, system.Day(3), new TimeOnly(17, 0), 2);
        await refuser.WaitForAsync(r => r.Count >= 1, Timeout);

        PrometheusText metrics = null!;
        await Eventually.TrueAsync(async () =>
        {
            metrics = await ScrapeAsync(system);
            return metrics.Sum("passportbot_messages_dead_lettered_total", ("passportbot_target_kind", "webhook"), ("messaging_destination_name", "targets")) >= 1;
        }, Timeout, "the webhook dead letter counted under target kind webhook and queue targets");

        var deadLettered = metrics.Samples().Where(s => s.Name == "passportbot_messages_dead_lettered_total").ToList();
        foreach (var sample in deadLettered) output.WriteLine($"{sample.Name}{{{string.Join(",", sample.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {sample.Value}");
        // The subscriber's Telegram message went through: nothing of Telegram's is dead.
        Assert.Equal(0, metrics.Sum("passportbot_messages_dead_lettered_total", ("passportbot_target_kind", "telegram")));
        Assert.All(deadLettered.Where(s => s.Labels.GetValueOrDefault("messaging_destination_name") is "message" or "targets"),
            s => Assert.Contains(s.Labels.GetValueOrDefault("passportbot_target_kind"), new[] { "webhook", "telegram", "ntfy", "unknown" }));
        Assert.DoesNotContain(secret, metrics.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("/hook", metrics.Body, StringComparison.Ordinal);
    }

    private static async Task<PrometheusText> ScrapeAsync(RunningSystem system)
    {
        using var response = await system.Http.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }
}

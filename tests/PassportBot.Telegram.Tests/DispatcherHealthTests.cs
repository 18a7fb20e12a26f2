using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;
using PassportBot.Storage;
using PassportBot.Telegram.Dispatching;
using PassportBot.Telegram.Sending;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

public sealed class DispatcherHealthTests
{
    private const string Token = "1:TEST-ONLY-not-a-token-secret-part";

    [Fact]
    public async Task Healthy_with_counters_degraded_while_telegram_retry_after_pauses_sending()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telegram:Token"] = Token }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time).AddDispatcher(config);
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();
        var metrics = provider.GetRequiredService<DispatcherMetrics>();

        metrics.Sent();
        metrics.Sent();
        metrics.Failed();
        var healthy = (await health.CheckHealthAsync(CancellationToken.None)).Entries[DispatcherHealthCheck.Name];
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(2L, healthy.Data["sent"]);
        Assert.Equal(1L, healthy.Data["failed"]);
        foreach (var key in new[] { "retried", "tooManyRequests", "deactivated" }) Assert.Equal(0L, healthy.Data[key]);
        Assert.False(healthy.Data.ContainsKey("pausedUntil"));

        provider.GetRequiredService<SendRateLimiter>().Pause(TimeSpan.FromSeconds(30));
        var paused = (await health.CheckHealthAsync(CancellationToken.None)).Entries[DispatcherHealthCheck.Name];
        Assert.Equal(HealthStatus.Degraded, paused.Status);
        Assert.Equal("2026-11-26T08:00:30.0000000Z", paused.Data["pausedUntil"]);
        Assert.Contains("retry_after", paused.Description);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync(CancellationToken.None)).Entries[DispatcherHealthCheck.Name].Status);

        var everything = string.Join(" ", new[] { healthy, paused }.SelectMany(e => e.Data.Select(d => $"{d.Key}={d.Value}").Append(e.Description)));
        Assert.DoesNotContain("secret-part", everything);
    }

    [Fact]
    public async Task A_real_429_makes_the_dispatcher_degraded_until_retry_after_has_passed()
    {
        await using var host = await TelegramTestHost.StartAsync((services, config) => services.AddDispatcher(config));
        host.Server.Limits = new FakeBotApiLimits { GlobalMessagesPerSecond = 1, RetryAfterSeconds = 30 };
        var health = host.Services.GetRequiredService<HealthCheckService>();

        await host.Bus.PublishManyAsync(Queues.Message,
            Enumerable.Range(1, 3).Select(i => new OutgoingMessage(OutgoingMessage.NewId(), 30_000 + i, $"burst {i}")).ToArray(),
            CancellationToken.None);
        await host.Server.WaitForAsync(calls => calls.Any(c => c.Is("sendMessage") && c.StatusCode == 429), TelegramTestHost.Timeout);

        var metrics = host.Services.GetRequiredService<DispatcherMetrics>();
        await Eventually.WaitAsync(() => metrics.Snapshot() is { TooManyRequests: > 0, Sent: > 0 }, TelegramTestHost.Timeout,
            () => $"counters: {metrics.Snapshot()}");

        var entry = (await health.CheckHealthAsync(CancellationToken.None)).Entries[DispatcherHealthCheck.Name];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.True((long)entry.Data["tooManyRequests"] >= 1);
        Assert.True((long)entry.Data["sent"] >= 1);
        // Measured from the 429 itself, not from now: on a loaded machine the check may run seconds later.
        var refusedAt = host.Server.Calls.First(c => c.Is("sendMessage") && c.StatusCode == 429).At;
        var pausedUntil = DateTimeOffset.Parse((string)entry.Data["pausedUntil"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(pausedUntil >= refusedAt.AddSeconds(29), $"paused until {pausedUntil:O}, 429 at {refusedAt:O}");
        Assert.True(pausedUntil > DateTimeOffset.UtcNow, "still paused when checked");
        Assert.DoesNotContain(host.Server.Token, string.Join(" ", entry.Data.Values.Append(entry.Description)));
    }

    [Theory]
    [InlineData("rabbitmq", "", false)]
    [InlineData("RabbitMQ", null, false)]
    [InlineData("rabbitmq", Token, true)]
    [InlineData("memory", "", true)]
    [InlineData(null, null, true)]
    public void Without_a_token_the_dispatcher_only_runs_on_the_in_process_bus(string? bus, string? token, bool valid)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Provider"] = bus,
            ["Bus:ConnectionString"] = "amqp://127.0.0.1:5672/",
            ["Telegram:Token"] = token,
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddDispatcher(config).BuildServiceProvider();

        if (valid)
        {
            Assert.NotNull(provider.GetRequiredService<IOptions<TelegramOptions>>().Value);
            return;
        }
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TelegramOptions>>().Value);
        Assert.Contains("a dispatcher on a shared broker needs Telegram:Token", e.Message);
        Assert.Contains("only for the embedded demo", e.Message);
    }

    [Fact]
    public async Task A_tokenless_dispatcher_on_rabbitmq_fails_at_start()
    {
        var database = Path.Combine(Path.GetTempPath(), $"passportbot-dispatcher-start-{Guid.NewGuid():N}.db");
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = $"Data Source={database}",
            ["Bus:Provider"] = "rabbitmq",
            ["Bus:ConnectionString"] = "amqp://127.0.0.1:5672/",
        });
        builder.Services.AddPassportBotStorage(builder.Configuration);
        // The in-process bus stands in for RabbitMQ: start must fail on the configuration alone, before any connection.
        builder.Services.AddInMemoryBus();
        builder.Services.AddDispatcher(builder.Configuration);
        using var host = builder.Build();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("needs Telegram:Token", e.Message);
    }
}

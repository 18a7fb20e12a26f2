using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda;

namespace PassportBot.Workers.Tests;

public sealed class PollerHealthCheckTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private static async Task<HealthCheckResult> CheckAsync(PollerStatus status, TimeProvider time) =>
        await new PollerHealthCheck(status, Options.Create(new AgendaOptions { PollInterval = Interval }), time)
            .CheckHealthAsync(new HealthCheckContext());

    [Fact]
    public async Task Degraded_when_no_province_poll_succeeded_for_three_intervals()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var status = new PollerStatus(time);
        status.Update(s => s with { Credentials = CredentialState.Valid, ProvincesFollowed = 2 });

        time.Advance(Interval * 2);
        status.Update(s => s with { LastSuccessAt = time.GetUtcNow() });
        time.Advance(Interval * 3);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(status, time)).Status);

        time.Advance(TimeSpan.FromSeconds(1));
        var stale = await CheckAsync(status, time);
        Assert.Equal(HealthStatus.Degraded, stale.Status);
        Assert.Contains("3 poll intervals", stale.Description, StringComparison.Ordinal);

        status.Update(s => s with { LastSuccessAt = time.GetUtcNow() });
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(status, time)).Status);
    }

    [Fact]
    public async Task A_poller_that_never_succeeded_is_degraded_three_intervals_after_it_started()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var status = new PollerStatus(time);
        status.Update(s => s with { Credentials = CredentialState.Valid, ProvincesFollowed = 1 });

        time.Advance(Interval * 3);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(status, time)).Status);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Degraded, (await CheckAsync(status, time)).Status);
    }

    [Fact]
    public async Task Nothing_to_poll_is_not_a_failure()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));
        var status = new PollerStatus(time);
        status.Update(s => s with { Credentials = CredentialState.Valid, ProvincesFollowed = 0 });

        time.Advance(Interval * 10);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(status, time)).Status);
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace PassportBot.Workers.Tests;

public sealed class RetentionServiceTests
{
    [Fact]
    public async Task Runs_once_a_day_across_processes_sharing_the_database()
    {
        await using var harness = await WorkerHarness.StartAsync("sqlite");
        await using var second = await harness.RestartAsync("sqlite");

        var first = ActivatorUtilities.CreateInstance<RetentionService>(harness.Services);
        var other = ActivatorUtilities.CreateInstance<RetentionService>(second);

        Assert.Equal(0, await first.RunOnceAsync(CancellationToken.None));
        Assert.Null(await other.RunOnceAsync(CancellationToken.None));
        Assert.Null(await first.RunOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Zero_retention_days_keeps_everything()
    {
        await using var harness = await WorkerHarness.StartAsync("sqlite", new Dictionary<string, string?> { ["Storage:RetentionDays"] = "0" });

        Assert.Null(await ActivatorUtilities.CreateInstance<RetentionService>(harness.Services).RunOnceAsync(CancellationToken.None));
    }
}

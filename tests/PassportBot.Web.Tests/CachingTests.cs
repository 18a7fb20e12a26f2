using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Web.Api;

namespace PassportBot.Web.Tests;

public sealed class CachingTests
{
    [Fact]
    public async Task Api_answers_are_reused_for_the_cache_duration_then_refreshed()
    {
        var clock = new FakeTimeProvider(Seed.T0);
        await using var app = await TestWebApp.StartAsync(
            services => services.AddSingleton<TimeProvider>(clock),
            new Dictionary<string, string?> { ["Web:CacheDuration"] = "00:00:02" });
        var seed = new Seed(app);
        await seed.WorldAsync();

        Assert.Equal(3, await OpenSlotsOfTorinoAsync(app));
        var response = await app.Client.GetAsync("/api/provinces");
        Assert.Equal("public, max-age=2", response.Headers.CacheControl?.ToString());

        await seed.OfferAsync("TO", Seed.T0.AddMinutes(5), (new SlotKey(102, new DateOnly(2026, 12, 9), new TimeOnly(15, 0)), 1));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, await OpenSlotsOfTorinoAsync(app));

        clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(4, await OpenSlotsOfTorinoAsync(app));
    }

    [Fact]
    public async Task Concurrent_requests_for_one_key_share_one_query()
    {
        var cache = new ReadCache(Options.Create(new WebOptions()), new FakeTimeProvider(Seed.T0));
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;

        var requests = Enumerable.Range(0, 20)
            .Select(_ => cache.GetAsync("k", _ => { Interlocked.Increment(ref calls); return release.Task; }, CancellationToken.None))
            .ToArray();
        release.SetResult(42);

        Assert.All(await Task.WhenAll(requests), v => Assert.Equal(42, v));
        Assert.Equal(1, calls);
        Assert.Equal(42, await cache.GetAsync("k", _ => Task.FromResult(0), CancellationToken.None));
        Assert.Equal(7, await cache.GetAsync("other", _ => Task.FromResult(7), CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_query_is_not_cached_and_a_cancelled_caller_does_not_cancel_the_others()
    {
        var cache = new ReadCache(Options.Create(new WebOptions()), new FakeTimeProvider(Seed.T0));

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            cache.GetAsync<int>("k", _ => throw new InvalidOperationException("database down"), CancellationToken.None));
        Assert.Equal(5, await cache.GetAsync("k", _ => Task.FromResult(5), CancellationToken.None));

        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var impatient = new CancellationTokenSource();
        var cancelled = cache.GetAsync("slow", _ => release.Task, impatient.Token);
        var patient = cache.GetAsync("slow", _ => Task.FromResult(-1), CancellationToken.None);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult(9);
        Assert.Equal(9, await patient);
    }

    private static async Task<int> OpenSlotsOfTorinoAsync(TestWebApp app)
    {
        var (_, json) = await app.GetJsonAsync("/api/provinces");
        return json.EnumerateArray().Single(p => p.GetProperty("code").GetString() == "TO").GetProperty("openSlots").GetInt32();
    }
}

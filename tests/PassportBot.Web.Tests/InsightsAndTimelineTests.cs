using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;

namespace PassportBot.Web.Tests;

/// <summary>The province timeline, the insights and "recently gone" on every storage provider: the queries are
/// plain SQL each provider must answer the same way.</summary>
public sealed class InsightsAndTimelineTests
{
    private static readonly DateTimeOffset Now = Seed.T0.AddHours(4);

    public static TheoryData<string> Providers => new() { "sqlite", "mariadb", "postgres" };

    private static async Task<TestWebApp> StartAsync(string provider)
    {
        var time = new FakeTimeProvider(Seed.T0);
        var app = await TestWebApp.StartAsync(s => s.AddSingleton<TimeProvider>(time), provider: provider);
        var seed = new Seed(app);
        await seed.WorldAsync();
        // Nine weeks ago (outside the default eight): only a wider window counts it.
        await seed.OfferAsync("TO", Seed.T0.AddDays(-63), (new SlotKey(101, new DateOnly(2026, 12, 20), new TimeOnly(9, 0)), 1));
        // 10:15 in Rome, after both Torino offices opened for booking: announced, but not ahead of opening.
        await seed.OfferAsync("TO", Seed.T0.AddHours(3), (new SlotKey(101, new DateOnly(2026, 12, 21), new TimeOnly(9, 0)), 2));
        time.SetUtcNow(Now);
        return app;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Insights_count_new_slots_by_Rome_weekday_and_hour_lifetimes_and_early_announcements(string provider)
    {
        await using var app = await StartAsync(provider);

        var (response, json) = await app.GetJsonAsync("/api/insights?province=to&weeks=8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("TO", json.GetProperty("province").GetString());
        Assert.Equal(8, json.GetProperty("weeks").GetInt32());
        Assert.Equal(6, json.GetProperty("newSlots").GetInt32());
        var heatmap = json.GetProperty("heatmap");
        Assert.Equal(7, heatmap.GetArrayLength());
        // 26 November 2026 is a Thursday (index 3); 06:15Z is 07:15 and 09:15Z is 10:15 in Rome.
        var counts = new Dictionary<(int Day, int Hour), int>();
        for (var d = 0; d < 7; d++)
        {
            Assert.Equal(24, heatmap[d].GetArrayLength());
            for (var h = 0; h < 24; h++) if (heatmap[d][h].GetInt32() is var n and > 0) counts[(d, h)] = n;
        }
        Assert.Equal(new Dictionary<(int, int), int> { [(3, 7)] = 5, [(3, 10)] = 1 }, counts);

        var offices = json.GetProperty("offices").EnumerateArray().ToDictionary(o => o.GetProperty("officeCode").GetString()!);
        Assert.Equal(["TOCM01", "TOPQ60"], offices.Keys.Order());
        Assert.Equal(4, offices["TOPQ60"].GetProperty("newSlots").GetInt32());
        Assert.Equal(1, offices["TOPQ60"].GetProperty("goneSlots").GetInt32());
        Assert.Equal(2.0, offices["TOPQ60"].GetProperty("medianLifetimeMinutes").GetDouble());
        Assert.Equal(30.0, offices["TOCM01"].GetProperty("medianLifetimeMinutes").GetDouble());

        Assert.Equal(6, json.GetProperty("announced").GetInt32());
        Assert.Equal(5, json.GetProperty("announcedAhead").GetInt32());

        var (_, wider) = await app.GetJsonAsync("/api/insights?province=TO&weeks=10");
        Assert.Equal(7, wider.GetProperty("newSlots").GetInt32());
        var (_, italy) = await app.GetJsonAsync("/api/insights");
        Assert.Equal(JsonValueKind.Null, italy.GetProperty("province").ValueKind);
        Assert.Equal(7, italy.GetProperty("newSlots").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_timeline_shows_each_slot_life_with_its_places(string provider)
    {
        await using var app = await StartAsync(provider);

        var (response, json) = await app.GetJsonAsync("/api/provinces/TO/timeline?hours=72");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("TO", json.GetProperty("province").GetString());
        var lives = json.GetProperty("slots").EnumerateArray()
            .ToDictionary(l => $"{l.GetProperty("slot").GetProperty("officeId").GetInt32()}|{l.GetProperty("slot").GetProperty("date").GetString()}|{l.GetProperty("slot").GetProperty("time").GetString()}");
        // The nine-week-old slot is still open, so it is alive in the window too; Cagliari's is not Torino's.
        Assert.Equal(7, lives.Count);
        Assert.Equal("2026-12-21", json.GetProperty("slots")[0].GetProperty("slot").GetProperty("date").GetString()); // latest first seen first

        var shrinking = lives["101|2026-12-03|09:00"];
        Assert.Equal([3, 2], shrinking.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("places").GetInt32()));
        Assert.Equal(["2026-11-26T06:15:00Z", "2026-11-26T06:16:00Z"], shrinking.GetProperty("places").EnumerateArray().Select(p => p.GetProperty("at").GetString()));
        Assert.Equal(JsonValueKind.Null, shrinking.GetProperty("slot").GetProperty("goneAt").ValueKind);

        var booked = lives["101|2026-12-02|08:40"];
        Assert.Equal("2026-11-26T06:15:00Z", booked.GetProperty("slot").GetProperty("firstSeen").GetString());
        Assert.Equal("2026-11-26T06:17:00Z", booked.GetProperty("slot").GetProperty("goneAt").GetString());

        // Three hours back from four hours after T0: the slot gone at T0+2 min has left the window.
        var (_, recent) = await app.GetJsonAsync("/api/provinces/TO/timeline?hours=3");
        Assert.DoesNotContain(recent.GetProperty("slots").EnumerateArray(), l => l.GetProperty("slot").GetProperty("date").GetString() == "2026-12-02");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Recently_gone_is_ordered_by_when_they_went_in_the_database(string provider)
    {
        await using var app = await StartAsync(provider);
        var (_, json) = await app.GetJsonAsync("/api/slots?state=gone&sort=recent&limit=1");
        Assert.Equal("2026-12-05", Assert.Single(json.EnumerateArray()).GetProperty("date").GetString());
    }

    [Theory]
    [InlineData("/api/insights?weeks=0", "Invalid weeks")]
    [InlineData("/api/insights?weeks=53", "Invalid weeks")]
    [InlineData("/api/insights?province=XX", "Unknown province")]
    [InlineData("/api/provinces/XX/timeline", "Unknown province")]
    [InlineData("/api/provinces/TO/timeline?hours=abc", "Invalid hours")]
    [InlineData("/api/provinces/TO/timeline?hours=10000", "Invalid hours")]
    public async Task Bad_parameters_get_a_problem(string path, string title)
    {
        await using var app = await TestWebApp.StartAsync();
        var (response, json) = await app.GetJsonAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, json.GetProperty("title").GetString());
    }
}

using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace PassportBot.Web.Tests;

public sealed partial class SlotsApiTests : IAsyncLifetime
{
    private TestWebApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestWebApp.StartAsync();
        await new Seed(_app).WorldAsync();
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Open_slots_of_all_provinces_by_date_with_the_documented_shape()
    {
        var (response, json) = await _app.GetJsonAsync("/api/slots");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            ["102|2026-12-01|10:00", "101|2026-12-03|09:00", "101|2026-12-03|09:20", "201|2026-12-10|11:00"],
            Keys(json));

        var first = json[0];
        Assert.Equal(
            ["officeId", "officeCode", "officeName", "address", "province", "date", "time", "places", "maxPlaces", "firstSeen", "lastSeen", "goneAt"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(102, first.GetProperty("officeId").GetInt32());
        Assert.Equal("TOCM01", first.GetProperty("officeCode").GetString());
        Assert.Equal("Commissariato di Moncalieri", first.GetProperty("officeName").GetString());
        Assert.Equal("Via Real Collegio 1", first.GetProperty("address").GetString());
        Assert.Equal("TO", first.GetProperty("province").GetString());
        Assert.Equal("2026-12-01", first.GetProperty("date").GetString());
        Assert.Equal("10:00", first.GetProperty("time").GetString());
        Assert.Equal(2, first.GetProperty("places").GetInt32());
        Assert.Equal(2, first.GetProperty("maxPlaces").GetInt32());
        Assert.Equal("2026-11-26T06:15:00Z", first.GetProperty("firstSeen").GetString());
        Assert.Equal("2026-11-26T06:16:00Z", first.GetProperty("lastSeen").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("goneAt").ValueKind);

        var shrinking = json[1];
        Assert.Equal(2, shrinking.GetProperty("places").GetInt32());
        Assert.Equal(3, shrinking.GetProperty("maxPlaces").GetInt32());
        foreach (var slot in json.EnumerateArray())
        {
            Assert.Matches(UtcInstant(), slot.GetProperty("firstSeen").GetString()!);
            Assert.Matches(UtcInstant(), slot.GetProperty("lastSeen").GetString()!);
        }
    }

    [Theory]
    [InlineData("TO")]
    [InlineData("to")]
    [InlineData(" To ")]
    public async Task Province_filter_is_case_insensitive(string province)
    {
        var (response, json) = await _app.GetJsonAsync("/api/slots?province=" + Uri.EscapeDataString(province));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["102|2026-12-01|10:00", "101|2026-12-03|09:00", "101|2026-12-03|09:20"], Keys(json));
        Assert.All(json.EnumerateArray(), s => Assert.Equal("TO", s.GetProperty("province").GetString()));
    }

    [Fact]
    public async Task Sud_Sardegna_shows_the_slots_of_Cagliari_which_serves_it()
    {
        var (_, json) = await _app.GetJsonAsync("/api/slots?province=su");

        Assert.Equal(["201|2026-12-10|11:00"], Keys(json));
        Assert.Equal("CA", json[0].GetProperty("province").GetString());
    }

    [Fact]
    public async Task Gone_slots_carry_when_they_went_and_the_places_they_had()
    {
        var (response, json) = await _app.GetJsonAsync("/api/slots?state=gone");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["101|2026-12-02|08:40", "102|2026-12-05|11:15"], Keys(json));
        var booked = json[0];
        Assert.Equal("2026-11-26T06:17:00Z", booked.GetProperty("goneAt").GetString());
        Assert.Equal("2026-11-26T06:15:00Z", booked.GetProperty("firstSeen").GetString());
        Assert.Equal(0, booked.GetProperty("places").GetInt32());
        Assert.Equal(1, booked.GetProperty("maxPlaces").GetInt32());
        Assert.Equal("2026-11-26T06:45:00Z", json[1].GetProperty("goneAt").GetString());
    }

    [Fact]
    public async Task Recent_sort_puts_the_latest_gone_first()
    {
        var (_, json) = await _app.GetJsonAsync("/api/slots?state=gone&sort=recent");
        Assert.Equal(["102|2026-12-05|11:15", "101|2026-12-02|08:40"], Keys(json));

        var (_, limited) = await _app.GetJsonAsync("/api/slots?state=gone&sort=recent&limit=1");
        Assert.Equal(["102|2026-12-05|11:15"], Keys(limited));
    }

    [Fact]
    public async Task All_state_and_limit()
    {
        var (_, all) = await _app.GetJsonAsync("/api/slots?state=ALL");
        Assert.Equal(6, all.GetArrayLength());

        var (_, two) = await _app.GetJsonAsync("/api/slots?state=all&limit=2");
        Assert.Equal(["102|2026-12-01|10:00", "101|2026-12-02|08:40"], Keys(two));

        // Above the maximum is served at the maximum rather than refused.
        var (response, many) = await _app.GetJsonAsync("/api/slots?state=all&limit=1000000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(6, many.GetArrayLength());
    }

    [Fact]
    public async Task A_province_without_slots_gives_an_empty_array()
    {
        var (response, json) = await _app.GetJsonAsync("/api/slots?province=RM");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, json.GetArrayLength());
    }

    [Theory]
    [InlineData("/api/slots?province=XX", "Unknown province")]
    [InlineData("/api/slots?province=TOR", "Unknown province")]
    [InlineData("/api/slots?province=%3Cscript%3E", "Unknown province")]
    [InlineData("/api/slots?state=closed", "Unknown state")]
    [InlineData("/api/slots?limit=0", "Invalid limit")]
    [InlineData("/api/slots?limit=-3", "Invalid limit")]
    [InlineData("/api/slots?limit=ten", "Invalid limit")]
    [InlineData("/api/slots?sort=price", "Unknown sort")]
    [InlineData("/api/offices?province=ZZ", "Unknown province")]
    public async Task Bad_parameters_get_400_with_a_problem_body(string path, string title)
    {
        var (response, json) = await _app.GetJsonAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(400, json.GetProperty("status").GetInt32());
        Assert.Equal(title, json.GetProperty("title").GetString());
        Assert.False(string.IsNullOrWhiteSpace(json.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task History_gives_places_over_time()
    {
        var (response, json) = await _app.GetJsonAsync("/api/slots/101/2026-12-03/09:00/history");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(101, json.GetProperty("officeId").GetInt32());
        Assert.Equal("2026-12-03", json.GetProperty("date").GetString());
        Assert.Equal("09:00", json.GetProperty("time").GetString());
        var points = json.GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("at").GetString(), p.GetProperty("places").GetInt32())).ToArray();
        Assert.Equal([("2026-11-26T06:15:00Z", 3), ("2026-11-26T06:16:00Z", 2)], points);

        var (_, gone) = await _app.GetJsonAsync("/api/slots/101/2026-12-02/08:40/history");
        Assert.Equal([1, 0], gone.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("places").GetInt32()));
    }

    [Fact]
    public async Task History_of_an_unknown_slot_is_404_and_a_malformed_key_400()
    {
        var (missing, problem) = await _app.GetJsonAsync("/api/slots/101/2026-12-03/09:05/history");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(404, problem.GetProperty("status").GetInt32());

        var (unknownOffice, _) = await _app.GetJsonAsync("/api/slots/999/2026-12-03/09:00/history");
        Assert.Equal(HttpStatusCode.NotFound, unknownOffice.StatusCode);

        foreach (var path in new[] { "/api/slots/101/2026-13-03/09:00/history", "/api/slots/abc/2026-12-03/09:00/history", "/api/slots/101/2026-12-03/9h/history" })
        {
            var (bad, _) = await _app.GetJsonAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }
    }

    [Fact]
    public async Task Offices_with_coordinates_for_the_map()
    {
        var (response, json) = await _app.GetJsonAsync("/api/offices?province=to");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["TOCM01", "TOPQ60"], json.EnumerateArray().Select(o => o.GetProperty("code").GetString()));
        var questura = json[1];
        Assert.Equal(
            ["id", "code", "name", "address", "city", "province", "bookableFrom", "latitude", "longitude"],
            questura.EnumerateObject().Select(p => p.Name));
        Assert.Equal(101, questura.GetProperty("id").GetInt32());
        Assert.Equal("08:00", questura.GetProperty("bookableFrom").GetString());
        Assert.Equal(45.0705, questura.GetProperty("latitude").GetDouble(), 6);
        Assert.Equal(7.6687, questura.GetProperty("longitude").GetDouble(), 6);

        var (_, all) = await _app.GetJsonAsync("/api/offices");
        Assert.Equal(4, all.GetArrayLength());
        var roma = all.EnumerateArray().Single(o => o.GetProperty("code").GetString() == "RMPQ01");
        Assert.Equal(JsonValueKind.Null, roma.GetProperty("latitude").ValueKind);
    }

    private static string[] Keys(JsonElement slots) => slots.EnumerateArray()
        .Select(s => $"{s.GetProperty("officeId").GetInt32()}|{s.GetProperty("date").GetString()}|{s.GetProperty("time").GetString()}")
        .ToArray();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")]
    private static partial Regex UtcInstant();
}

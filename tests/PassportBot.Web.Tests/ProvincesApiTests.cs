using System.Net;
using System.Text.Json;
using PassportBot.Domain;

namespace PassportBot.Web.Tests;

public sealed class ProvincesApiTests : IAsyncLifetime
{
    private TestWebApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestWebApp.StartAsync();
        await new Seed(_app).WorldAsync();
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Every_province_with_its_counts()
    {
        var (response, json) = await _app.GetJsonAsync("/api/provinces");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(107, json.GetArrayLength());
        var rows = json.EnumerateArray().ToDictionary(p => p.GetProperty("code").GetString()!);
        Assert.Equal(ProvinceCatalog.All.Select(p => p.Code).Order(), rows.Keys.Order());

        var to = rows["TO"];
        Assert.Equal(
            ["code", "name", "region", "agendaCode", "openSlots", "offices", "subscribers", "firstOpenDate"],
            to.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Torino", to.GetProperty("name").GetString());
        Assert.Equal("Piemonte", to.GetProperty("region").GetString());
        Assert.Equal(("TO", 3, 2, 3, "2026-12-01"), Counts(to));
        Assert.Equal(("CA", 1, 1, 2, "2026-12-10"), Counts(rows["CA"]));
        Assert.Equal(("CA", 1, 1, 2, "2026-12-10"), Counts(rows["SU"]));
        Assert.Equal("Sud Sardegna", rows["SU"].GetProperty("name").GetString());
        // Rome has an office but no slots; its only subscriber blocked the bot.
        Assert.Equal(("RM", 0, 1, 0, null), Counts(rows["RM"]));
        Assert.Equal(("MI", 0, 0, 0, null), Counts(rows["MI"]));
    }

    [Fact]
    public async Task No_chat_id_or_personal_data_anywhere_in_the_api()
    {
        var bodies = new List<string>();
        foreach (var path in new[] { "/api/provinces", "/api/slots?state=all", "/api/offices", "/api/slots/101/2026-12-03/09:00/history", "/health" })
        {
            bodies.Add(await _app.Client.GetStringAsync(path));
        }

        foreach (var body in bodies)
        {
            foreach (var chat in new[] { Seed.ChatA, Seed.ChatB, Seed.ChatC, Seed.ChatD, Seed.ChatGone })
            {
                Assert.DoesNotContain(chat.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
            }
            Assert.DoesNotContain("chat", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("language", body, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static (string?, int, int, int, string?) Counts(JsonElement p) => (
        p.GetProperty("agendaCode").GetString(),
        p.GetProperty("openSlots").GetInt32(),
        p.GetProperty("offices").GetInt32(),
        p.GetProperty("subscribers").GetInt32(),
        p.GetProperty("firstOpenDate").ValueKind == JsonValueKind.Null ? null : p.GetProperty("firstOpenDate").GetString());
}

using System.Text.Json;
using PassportBot.Agenda.Http;
using PassportBot.Agenda.Simulator.Server;
using PassportBot.Domain;

namespace PassportBot.Agenda.Tests;

/// <summary>The real client against the real simulator over 127.0.0.1: parsing and paging.</summary>
public sealed class AgendaClientTests
{
    private static DateOnly Today => RomeTime.Today(TimeProvider.System);

    [Fact]
    public async Task Offices_of_a_province_carry_every_field()
    {
        await using var h = await AgendaHarness.StartAsync();
        var world = h.Simulator.World;
        var questura = world.GetOffice("TOPQ60");
        var first = Today.AddDays(9);
        world.AddSlot(questura.Id, first, new TimeOnly(9, 15), 2);
        world.AddSlot(questura.Id, first.AddDays(3), new TimeOnly(17, 0), 1);
        world.SetBookableFrom(questura.Id, new TimeOnly(9, 30));

        var offices = await h.Client.GetOfficesAsync("to", CancellationToken.None);

        Assert.Equal(world.OfficesIn("TO").Select(o => o.Id).Order(), offices.Select(o => o.Office.Id).Order());
        var torino = Assert.Single(offices, o => o.Office.Id == questura.Id);
        Assert.Equal(new Office(questura.Id, "TOPQ60", "Questura di Torino", questura.Street, questura.City, "TO", new TimeOnly(9, 30)), torino.Office);
        Assert.Equal(first, torino.FirstAvailableDate);
        Assert.All(offices.Where(o => o.Office.Id != questura.Id), o => Assert.Null(o.FirstAvailableDate));
        Assert.All(offices, o =>
        {
            var sim = world.GetOffice(o.Office.Id);
            Assert.Equal((sim.Code, sim.Name, sim.Street, sim.City, sim.BookableFrom), (o.Office.Code, o.Office.Name, o.Office.Address, o.Office.City, o.Office.BookableFrom));
        });
    }

    [Theory]
    [InlineData("RM")]
    [InlineData("NA")]
    public async Task Rome_and_Naples_are_read_across_pages(string province)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["PageSize"] = "10" });
        var expected = h.Simulator.World.OfficesIn(province);
        Assert.True(expected.Count > 30);
        foreach (var office in expected.Where((_, i) => i % 3 == 0))
            h.Simulator.World.AddSlot(office.Id, Today.AddDays(5 + office.Id % 20), new TimeOnly(10, 0), 1);

        var offices = await h.Client.GetOfficesAsync(province, CancellationToken.None);

        Assert.Equal(expected.Select(o => o.Id).Order(), offices.Select(o => o.Office.Id).Order());
        Assert.Equal((expected.Count + 9) / 10, h.Simulator.Calls.OfficeListCalls(province));
        var bodies = h.Simulator.Calls.Requests.Select(r => JsonDocument.Parse(r.Body!).RootElement.GetProperty("pageInfo")).ToArray();
        Assert.All(bodies, b => Assert.Equal(10, b.GetProperty("maxResults").GetInt32()));
        Assert.Equal(Enumerable.Range(0, bodies.Length).Select(i => i * 10), bodies.Select(b => b.GetProperty("skipResults").GetInt32()));
    }

    [Fact]
    public async Task Default_page_size_reads_Rome_in_one_call()
    {
        await using var h = await AgendaHarness.StartAsync();
        var offices = await h.Client.GetOfficesAsync("RM", CancellationToken.None);
        Assert.True(offices.Count > 30);
        Assert.Equal(1, h.Simulator.Calls.OfficeListCalls("RM"));
    }

    [Fact]
    public async Task Requests_look_like_the_browser()
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["UserAgent"] = "TestBrowser/1.0" });
        await h.Client.GetOfficesAsync("TO", CancellationToken.None);

        var request = Assert.Single(h.Simulator.Calls.Requests);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers["Content-Type"]);
        Assert.Contains("application/json", request.Headers["Accept"]);
        Assert.Contains("*/*", request.Headers["Accept"]);
        Assert.Equal("TestBrowser/1.0", request.Headers["User-Agent"]);
        Assert.Equal(h.Simulator.BaseUrl, request.Headers["Origin"]);
        Assert.Equal(h.Simulator.Credentials.Cookie, request.Headers["Cookie"]);
        Assert.Equal(h.Simulator.Credentials.CsrfToken, request.Headers["X-CSRF-TOKEN"]);
        var body = JsonDocument.Parse(request.Body!).RootElement;
        Assert.Equal("TO", body.GetProperty("comune").GetProperty("provinciaQuestura").GetString());
        Assert.Equal(1000, body.GetProperty("pageInfo").GetProperty("maxResults").GetInt32());
    }

    [Fact]
    public async Task Month_slots_parse_times_days_and_places()
    {
        await using var h = await AgendaHarness.StartAsync();
        var office = h.Simulator.World.GetOffice("MIPQ60");
        var month = Today.AddMonths(1);
        var day1 = new DateOnly(month.Year, month.Month, 3);
        var day2 = new DateOnly(month.Year, month.Month, 20);
        h.Simulator.World.AddSlot(office.Id, day1, new TimeOnly(8, 5), 3);
        h.Simulator.World.AddSlot(office.Id, day2, new TimeOnly(17, 30), 1);
        h.Simulator.World.AddSlot(office.Id, day2.AddMonths(1), new TimeOnly(10, 0), 1);

        var slots = await h.Client.GetMonthAsync(office.Id, day2, CancellationToken.None);

        Assert.Equal(
            [new SlotObservation(new SlotKey(office.Id, day1, new TimeOnly(8, 5)), 3), new SlotObservation(new SlotKey(office.Id, day2, new TimeOnly(17, 30)), 1)],
            slots);
        var request = Assert.Single(h.Simulator.Calls.Requests);
        Assert.Equal(AgendaParsing.MonthReference(month), request.DataRiferimento);
        Assert.Equal(office.Id, request.OfficeId);
    }

    [Fact]
    public async Task Wire_format_is_the_sites()
    {
        await using var h = await AgendaHarness.StartAsync();
        var office = h.Simulator.World.GetOffice("TOPQ60");
        var day = new DateOnly(2027, 3, 9);
        h.Simulator.World.AddSlot(office.Id, day, new TimeOnly(9, 0), 2);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, h.Simulator.BaseUrl + AgendaEndpoints.OfficeMonth)
        {
            Content = new StringContent("""{"sede":{"id":__ID__}}""".Replace("__ID__", office.Id.ToString()), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Cookie", h.Simulator.Credentials.Cookie);
        request.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", h.Simulator.Credentials.CsrfToken);
        using var response = await http.SendAsync(request);
        var row = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("elenco")[0];

        Assert.Equal($"{office.Id}||_||09/03/2027||_||09.00", row.GetProperty("objectKey").GetString());
        Assert.Equal("9.00", row.GetProperty("ora").GetString());
        Assert.Equal(new DateTimeOffset(2027, 3, 8, 23, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), row.GetProperty("giorno").GetInt64());
        Assert.Equal(office.Street, row.GetProperty("indrizzo").GetString());
        Assert.False(row.TryGetProperty("indirizzo", out _));
        Assert.Equal(2, row.GetProperty("totAppuntamenti").GetInt32());
        Assert.Equal(0, row.GetProperty("totAppuntamentiPresi").GetInt32());
    }

    [Theory]
    [InlineData(2027, 3, 28)] // spring forward
    [InlineData(2027, 3, 29)]
    [InlineData(2027, 10, 31)] // fall back
    [InlineData(2027, 11, 1)]
    public async Task Days_around_DST_changes_keep_their_date(int year, int month, int day)
    {
        await using var h = await AgendaHarness.StartAsync();
        var office = h.Simulator.World.GetOffice("NAPQ60");
        var date = new DateOnly(year, month, day);
        h.Simulator.World.AddSlot(office.Id, date, new TimeOnly(0, 30), 1);
        h.Simulator.World.AddSlot(office.Id, date, new TimeOnly(23, 45), 1);

        var slots = await h.Client.GetMonthAsync(office.Id, date, CancellationToken.None);

        Assert.Equal([new TimeOnly(0, 30), new TimeOnly(23, 45)], slots.Where(s => s.Key.Date == date).Select(s => s.Key.Time));
        Assert.All(slots, s => Assert.Equal(date, s.Key.Date));
    }

    [Fact]
    public async Task Past_and_empty_slots_are_dropped()
    {
        await using var h = await AgendaHarness.StartAsync();
        var office = h.Simulator.World.GetOffice("TOPQ60");
        var today = Today;
        h.Simulator.World.AddSlot(office.Id, today.AddDays(-1), new TimeOnly(9, 0), 2);
        h.Simulator.World.AddSlot(office.Id, today, new TimeOnly(9, 0), 0);
        h.Simulator.World.AddSlot(office.Id, today, new TimeOnly(10, 0), 1);

        var slots = await h.Client.GetMonthAsync(office.Id, today, CancellationToken.None);

        Assert.Equal([new SlotObservation(new SlotKey(office.Id, today, new TimeOnly(10, 0)), 1)], slots);
    }

    [Theory]
    [InlineData(PlacesMode.Total, PlacesSemantics.TotalIsCapacity, 5)]
    [InlineData(PlacesMode.TotalMinusTaken, PlacesSemantics.TotalIsCapacity, 3)]
    [InlineData(PlacesMode.Total, PlacesSemantics.TotalIsFree, 3)]
    public async Task Places_follow_the_configured_mode(PlacesMode mode, PlacesSemantics semantics, int expected)
    {
        await using var h = await AgendaHarness.StartAsync(agenda: new Dictionary<string, string?> { ["PlacesMode"] = mode.ToString() });
        h.Simulator.PlacesSemantics = semantics;
        var office = h.Simulator.World.GetOffice("TOPQ60");
        var key = h.Simulator.World.AddSlot(office.Id, Today.AddDays(2), new TimeOnly(11, 0), 5);
        Assert.Equal(3, h.Simulator.World.TakePlaces(key, 2));

        var slot = Assert.Single(await h.Client.GetMonthAsync(office.Id, key.Date, CancellationToken.None));
        Assert.Equal(expected, slot.Places);
    }

    [Fact]
    public async Task Unknown_office_and_empty_month_give_no_slots()
    {
        await using var h = await AgendaHarness.StartAsync();
        Assert.Empty(await h.Client.GetMonthAsync(999_999, null, CancellationToken.None));
        Assert.Empty(await h.Client.GetMonthAsync(h.Simulator.World.GetOffice("TOPQ60").Id, null, CancellationToken.None));
        Assert.Empty(await h.Client.GetOfficesAsync("QQ", CancellationToken.None));
    }

    [Fact]
    public async Task Municipalities_name_their_Questura()
    {
        await using var h = await AgendaHarness.StartAsync();
        var carbonia = Assert.Single(await h.Client.FindMunicipalityAsync("carbonia", CancellationToken.None));
        Assert.Equal(("CARBONIA", "SU", "CA"), (carbonia.Name, carbonia.Province, carbonia.QuesturaProvince));

        var found = await h.Client.FindMunicipalityAsync("Pozzuoli", CancellationToken.None);
        Assert.Contains(found, m => m.Name == "POZZUOLI" && m.QuesturaProvince == "NA");
        Assert.Empty(await h.Client.FindMunicipalityAsync("Atlantide", CancellationToken.None));

        Assert.Contains(h.Simulator.Calls.Requests, r => r.Path.EndsWith("/cerca-comune/Pozzuoli", StringComparison.Ordinal));
    }
}

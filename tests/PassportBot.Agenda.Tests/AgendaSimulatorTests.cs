using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Agenda.Http;
using PassportBot.Agenda.Simulator;
using PassportBot.Agenda.Simulator.Hosting;
using PassportBot.Agenda.Simulator.World;
using PassportBot.Domain;

namespace PassportBot.Agenda.Tests;

public sealed class AgendaSimulatorTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-11-20T07:00:00Z");

    [Fact]
    public void Catalogue_has_realistic_offices_and_pages_for_Rome_and_Naples()
    {
        var offices = OfficeCatalog.All;
        Assert.True(offices.Count > 460);
        Assert.Equal(offices.Count, offices.Select(o => o.Id).Distinct().Count());
        Assert.True(offices.Count(o => o.Province == "RM") > 30);
        Assert.True(offices.Count(o => o.Province == "NA") > 30);
        var torino = Assert.Single(offices, o => o.Code == "TOPQ60");
        Assert.Equal(("Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0)),
            (torino.Name, torino.Street, torino.City, torino.Province, torino.BookableFrom));
        Assert.Equal("TORINO", torino.ProvinceName);
    }

    [Fact]
    public void Evolution_is_deterministic_for_a_seed()
    {
        var (slotsA, reportsA) = Run(seed: 7);
        var (slotsB, reportsB) = Run(seed: 7);
        var (slotsC, _) = Run(seed: 8);

        Assert.Equal(slotsA, slotsB);
        Assert.Equal(reportsA, reportsB);
        Assert.NotEqual(slotsA, slotsC);

        static (string Slots, string Reports) Run(int seed)
        {
            var time = new FakeTimeProvider(Start);
            var world = new AgendaWorld(time, seed);
            world.Populate(["RM", "TO"]);
            var reports = new StringBuilder();
            for (var hour = 0; hour < 24 * 3; hour++)
            {
                time.Advance(TimeSpan.FromHours(1));
                var r = world.Evolve();
                reports.Append(string.Join(',', r.Published.Concat(r.Cancelled).Concat(r.Booked).Concat(r.Removed))).Append(';');
            }
            return (string.Join(';', world.Slots().Select(s => $"{s.Key}/{s.Capacity}/{s.Taken}")), reports.ToString());
        }
    }

    [Fact]
    public void Evolution_publishes_after_midnight_drops_past_days_books_and_cancels()
    {
        var time = new FakeTimeProvider(Start);
        var world = new AgendaWorld(time, seed: 3);
        var office = world.GetOffice("TOPQ60");
        var old = world.AddSlot(office.Id, RomeTime.Today(time), new TimeOnly(16, 0), 1);
        var published = new List<SlotKey>();
        var cancelled = new List<SlotKey>();
        var booked = new List<SlotKey>();
        var removed = new List<SlotKey>();

        // Across the first of December: a new month opens.
        for (var i = 0; i < 24 * 12; i++)
        {
            time.Advance(TimeSpan.FromHours(1));
            var r = world.Evolve();
            published.AddRange(r.Published);
            cancelled.AddRange(r.Cancelled);
            booked.AddRange(r.Booked);
            removed.AddRange(r.Removed);
        }

        var today = RomeTime.Today(time);
        Assert.Contains(old, removed);
        Assert.All(world.Slots(), s => Assert.True(s.Key.Date >= today));
        var monthOpened = new DateOnly(2026, 12, 1).AddMonths(world.Evolution.MonthsPublishedAhead);
        Assert.True(published.Count(k => k.Date.Year == monthOpened.Year && k.Date.Month == monthOpened.Month) > 100, "a new month was published on the 1st");
        Assert.NotEmpty(cancelled);
        Assert.NotEmpty(booked);
        Assert.All(world.Slots(), s => Assert.True(s.Key.Date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)));
    }

    [Fact]
    public void Bookings_consume_places_and_close_full_slots()
    {
        var world = new AgendaWorld(new FakeTimeProvider(Start), seed: 1);
        var key = world.AddSlot(world.GetOffice("NAPQ60").Id, new DateOnly(2026, 12, 3), new TimeOnly(10, 0), 3);
        Assert.Equal(2, world.TakePlaces(key));
        Assert.Equal(new SimulatedSlot(key, 3, 1), world.FindSlot(key));
        Assert.Equal(new DateOnly(2026, 12, 3), world.FirstFreeDate(key.OfficeId));
        Assert.Equal(0, world.TakePlaces(key, 5));
        Assert.Null(world.FindSlot(key));
        Assert.Null(world.FirstFreeDate(key.OfficeId));
        Assert.Throws<KeyNotFoundException>(() => world.TakePlaces(key));
        Assert.True(world.RemoveSlot(world.AddSlot(key.OfficeId, key.Date, key.Time, 1)));
    }

    [Fact]
    public async Task Csrf_page_shows_the_token_to_a_live_session_and_redirects_others_to_login()
    {
        await using var simulator = new AgendaSimulator();
        var baseUrl = await simulator.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

        using var live = new HttpRequestMessage(HttpMethod.Get, baseUrl + AgendaEndpoints.CsrfPage);
        live.Headers.TryAddWithoutValidation("Cookie", simulator.Credentials.Cookie);
        using var page = await http.SendAsync(live);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(simulator.Credentials.CsrfToken, AgendaResponseReader.FindCsrfMeta(await page.Content.ReadAsStringAsync()));

        using var dead = new HttpRequestMessage(HttpMethod.Get, baseUrl + AgendaEndpoints.CsrfPage);
        dead.Headers.TryAddWithoutValidation("Cookie", "JSESSIONID=NOPE");
        using var redirect = await http.SendAsync(dead);
        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Contains("login", redirect.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Bad_requests_get_400_and_unknown_paths_404()
    {
        await using var simulator = new AgendaSimulator();
        var baseUrl = await simulator.StartAsync();
        using var http = new HttpClient();

        async Task<HttpStatusCode> Post(string path, string body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Cookie", simulator.Credentials.Cookie);
            request.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", simulator.Credentials.CsrfToken);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.BadRequest, await Post(AgendaEndpoints.OfficeList, "{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(AgendaEndpoints.OfficeList, "{\"comune\":{}}"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post(AgendaEndpoints.OfficeMonth, "{\"sede\":{}}"));
        Assert.Equal(HttpStatusCode.OK, await Post(AgendaEndpoints.OfficeList, "{\"comune\":{\"provinciaQuestura\":\"TO\"}}"));
        Assert.Equal(HttpStatusCode.NotFound, await Post("/cittadino/nowhere", "{}"));
    }

    [Fact]
    public async Task Demo_host_runs_the_simulator_and_points_the_client_at_it_without_user_credentials()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Seed"] = "42",
            ["Simulator:Speed"] = "600",
            ["Simulator:TickInterval"] = "00:00:00.050",
            ["Agenda:CookieFile"] = "/nonexistent/cookie_token",
        });
        builder.Services.AddAgendaClient(builder.Configuration);
        builder.Services.AddAgendaSimulator(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var simulator = host.Services.GetRequiredService<AgendaSimulator>();
            Assert.Equal(simulator.BaseUrl, host.Services.GetRequiredService<IOptions<AgendaOptions>>().Value.BaseUrl);
            Assert.StartsWith("http://127.0.0.1:", simulator.BaseUrl);

            var offices = await host.Services.GetRequiredService<IAgendaClient>().GetOfficesAsync("RM", CancellationToken.None);
            Assert.True(offices.Count > 30);
            Assert.Contains(offices, o => o.FirstAvailableDate is not null); // pre-populated for the demo

            var initial = string.Join(';', simulator.World.Slots().Select(s => $"{s.Key}/{s.Free}"));
            await Wait.UntilAsync(() => string.Join(';', simulator.World.Slots().Select(s => $"{s.Key}/{s.Free}")) != initial,
                because: "the world evolves with real time");

            // New credentials on the simulator are picked up by the session by themselves.
            var scanner = host.Services.GetRequiredService<IProvinceScanner>();
            simulator.RotateCredentials();
            await host.Services.GetRequiredService<IAgendaSession>().RefreshAsync(CancellationToken.None);
            Assert.True((await scanner.ScanAsync("NA", CancellationToken.None)).Offices.Count > 30);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("Agenda:PollInterval", "00:00:00.500", "Agenda:PollInterval")]
    [InlineData("Agenda:BaseUrl", "not a url", "Agenda:BaseUrl")]
    [InlineData("Simulator:Speed", "0", "Simulator:Speed")]
    public async Task Bad_configuration_stops_the_host_at_start(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.Services.AddAgendaClient(builder.Configuration);
        if (key.StartsWith("Simulator", StringComparison.Ordinal)) builder.Services.AddAgendaSimulator(builder.Configuration);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(named, ex.Message);
    }
}

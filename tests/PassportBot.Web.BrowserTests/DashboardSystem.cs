using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda.Simulator;
using PassportBot.Cli;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing.Storage;

namespace PassportBot.Web.BrowserTests;

/// <summary>The embedded system as <c>passportbot run</c> builds it (poller, handlers, dispatcher printing to the
/// console, web), over SQLite, polling the agenda simulator on 127.0.0.1 with credentials from token files.</summary>
public sealed class DashboardSystem : IAsyncDisposable
{
    private readonly IAsyncDisposable _database;
    private readonly string _folder;

    private DashboardSystem(AgendaSimulator simulator, WebApplication app, IAsyncDisposable database, string folder, Uri address)
    {
        Simulator = simulator;
        App = app;
        _database = database;
        _folder = folder;
        Address = address;
    }

    public AgendaSimulator Simulator { get; }
    public WebApplication App { get; }
    public Uri Address { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<DashboardSystem> StartAsync()
    {
        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 11 });
        await simulator.StartAsync();
        var (connectionString, database) = await TestDatabases.CreateAsync("sqlite");
        var folder = Directory.CreateTempSubdirectory("passportbot-browser-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "cookie_token"), simulator.Credentials.Cookie + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "xcsrf_token"), simulator.Credentials.CsrfToken + "\n");

        var settings = new Dictionary<string, string?>
        {
            ["Agenda:BaseUrl"] = simulator.BaseUrl,
            ["Agenda:CookieFile"] = Path.Combine(folder, "cookie_token"),
            ["Agenda:CsrfTokenFile"] = Path.Combine(folder, "xcsrf_token"),
            ["Agenda:PollInterval"] = "00:00:01",
            ["Agenda:MaxRetries"] = "1",
            ["Agenda:RetryBaseDelay"] = "00:00:00.020",
            ["Workers:PollerTick"] = "00:00:00.100",
            ["Workers:PollJitter"] = "00:00:00",
            ["Workers:RelayPollInterval"] = "00:00:00.100",
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
            ["Bus:Provider"] = "memory",
            ["Web:Urls"] = "http://127.0.0.1:0",
            ["Web:LiveInterval"] = "00:00:00.200",
            ["Web:CacheDuration"] = "00:00:00",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = PassportBotHost.CreateBuilder([], settings)
            .AddRoles(Roles.Poller | Roles.AvailabilityHandler | Roles.UserHandler | Roles.Dispatcher | Roles.Web);
        builder.Logging.ClearProviders();
        var app = builder.BuildApp();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardSystem(simulator, app, database, folder, new Uri(address));
    }

    public string Url(string path) => new Uri(Address, path).ToString();

    public DateOnly Day(int daysFromToday) => RomeTime.Today(TimeProvider.System).AddDays(daysFromToday);

    /// <summary>An office of the province whose slots can be booked at any hour, so tests do not depend on the clock.</summary>
    public int AlwaysBookableOffice(string code)
    {
        var office = Simulator.World.GetOffice(code);
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return office.Id;
    }

    public Task FollowAsync(string province) =>
        Get<ISubscriptionStore>().SubscribeAsync(1, province, Language.English, CancellationToken.None);

    /// <summary>Open slots for provinces nobody follows (so the poller leaves them alone), written the way the
    /// availability handler writes them.</summary>
    public async Task RecordOpenSlotsAsync(string province, Office office, int count)
    {
        var lifecycle = new SlotLifecycle(SlotLifecycle.DefaultGraceWindow);
        var now = DateTimeOffset.UtcNow;
        var outcomes = Enumerable.Range(0, count)
            .Select(i => new SlotKey(office.Id, Day(10 + i / 8), new TimeOnly(9 + i % 8, 0)))
            .Select(key => lifecycle.Offer(null, new SlotObservation(key, 1), province, now))
            .ToList();
        await using var work = await Get<IAvailabilityStore>().BeginAsync(province, CancellationToken.None);
        await work.UpsertOfficesAsync([office], CancellationToken.None);
        await work.SaveSlotsAsync(outcomes, now, CancellationToken.None);
        await work.CommitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
        await _database.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

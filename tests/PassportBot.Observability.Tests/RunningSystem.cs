using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda.Simulator;
using PassportBot.Cli;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;
using PassportBot.Testing.Storage;

namespace PassportBot.Observability.Tests;

/// <summary>The whole system as <c>passportbot run</c> builds it, in this process, against the agenda simulator and
/// the fake Telegram Bot API server (real HTTP servers on 127.0.0.1), with SQLite and the in-process bus.</summary>
public sealed class RunningSystem : IAsyncDisposable
{
    private readonly IAsyncDisposable _dropDatabase;
    private readonly string _folder;

    private RunningSystem(AgendaSimulator simulator, FakeBotApiServer telegram, IAsyncDisposable drop, string folder, WebApplication app, HttpClient http)
    {
        Simulator = simulator;
        Telegram = telegram;
        _dropDatabase = drop;
        _folder = folder;
        App = app;
        Http = http;
    }

    public AgendaSimulator Simulator { get; }
    public FakeBotApiServer Telegram { get; }
    public WebApplication App { get; }
    public HttpClient Http { get; }

    public static async Task<RunningSystem> StartAsync(Action<WebApplicationBuilder>? configure = null, IDictionary<string, string?>? extra = null)
    {
        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        var telegram = await FakeBotApiServer.StartAsync();
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        var folder = Directory.CreateTempSubdirectory("passportbot-obs-").FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "cookie_token"), simulator.Credentials.Cookie + "\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "xcsrf_token"), simulator.Credentials.CsrfToken + "\n");

        var settings = new Dictionary<string, string?>
        {
            ["Telegram:Token"] = telegram.Token,
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
            ["Telegram:PaidBroadcast"] = "true",
            ["Telegram:MaxMessagesPerSecond"] = "1000",
            ["Telegram:PerChatInterval"] = "00:00:00.050",
            ["Agenda:BaseUrl"] = simulator.BaseUrl,
            ["Agenda:CookieFile"] = Path.Combine(folder, "cookie_token"),
            ["Agenda:CsrfTokenFile"] = Path.Combine(folder, "xcsrf_token"),
            ["Agenda:PollInterval"] = "00:00:01",
            ["Agenda:MaxRetries"] = "1",
            ["Agenda:RetryBaseDelay"] = "00:00:00.020",
            ["Agenda:RequestTimeout"] = "00:00:05",
            ["Workers:PollerTick"] = "00:00:00.100",
            ["Workers:PollJitter"] = "00:00:00",
            ["Workers:RelayPollInterval"] = "00:00:00.100",
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
            ["Bus:Provider"] = "memory",
            ["Web:Urls"] = "http://127.0.0.1:0",
            ["Observability:SampleInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var kv in extra ?? new Dictionary<string, string?>()) settings[kv.Key] = kv.Value;

        var builder = PassportBotHost.CreateBuilder([], settings).AddRoles(Roles.All);
        if (Environment.GetEnvironmentVariable("PASSPORTBOT_TEST_LOGS") is null) builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.BuildApp();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningSystem(simulator, telegram, drop, folder, app, new HttpClient { BaseAddress = new Uri(address) });
    }

    /// <summary>An office of the province whose slots can be booked at any hour, so tests do not depend on the clock.</summary>
    public int AlwaysBookableOffice(string code)
    {
        var office = Simulator.World.GetOffice(code);
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return office.Id;
    }

    public DateOnly Day(int daysFromToday) => RomeTime.Today(TimeProvider.System).AddDays(daysFromToday);

    public Task SubscribeAsync(long chatId, string province) =>
        App.Services.GetRequiredService<ISubscriptionStore>().SubscribeAsync(chatId, province, Language.Italian, CancellationToken.None);

    public int MessagesTo(long chatId, string containing) =>
        Telegram.SentMessages.Count(c => c.ChatId == chatId && c.Text is { } t && t.Contains(containing, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        Http.Dispose();
        await Telegram.DisposeAsync();
        await Simulator.DisposeAsync();
        await _dropDatabase.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, what);
}

using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda;
using PassportBot.Agenda.Simulator;
using PassportBot.Cli;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;
using PassportBot.Testing.Storage;

namespace PassportBot.EndToEnd.Tests;

/// <summary>The whole system as <c>passportbot run</c> builds it, in this process, against the agenda simulator
/// and the fake Telegram Bot API server (both real HTTP servers on 127.0.0.1). The database survives restarts.</summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    public const long AdminChatId = 999;

    private readonly IAsyncDisposable _dropDatabase;
    private readonly string _folder;
    private readonly Dictionary<string, string?> _settings;

    private SystemUnderTest(AgendaSimulator simulator, FakeBotApiServer telegram, string connectionString, IAsyncDisposable drop, string folder, Dictionary<string, string?> settings)
    {
        Simulator = simulator;
        Telegram = telegram;
        ConnectionString = connectionString;
        _dropDatabase = drop;
        _folder = folder;
        _settings = settings;
    }

    public AgendaSimulator Simulator { get; }
    public FakeBotApiServer Telegram { get; }
    public string ConnectionString { get; }
    public WebApplication? App { get; private set; }
    public HttpClient Http { get; private set; } = new();
    public string CookieFile => Path.Combine(_folder, "cookie_token");
    public string CsrfFile => Path.Combine(_folder, "xcsrf_token");

    public T Get<T>() where T : notnull => App!.Services.GetRequiredService<T>();

    public static async Task<SystemUnderTest> StartAsync(IDictionary<string, string?>? extra = null, string storageProvider = "sqlite")
    {
        var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        var telegram = await FakeBotApiServer.StartAsync();
        var (connectionString, drop) = await TestDatabases.CreateAsync(storageProvider);
        var folder = Directory.CreateTempSubdirectory("passportbot-e2e-").FullName;

        var settings = new Dictionary<string, string?>
        {
            ["Telegram:Token"] = telegram.Token,
            ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
            ["Telegram:AdminChatIds:0"] = AdminChatId.ToString(),
            ["Telegram:PaidBroadcast"] = "true", // lifts the 30 msg/s cap so tests run fast
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
            ["Workers:GraceWindow"] = "00:00:01",
            ["Workers:RelayPollInterval"] = "00:00:00.100",
            ["Storage:Provider"] = storageProvider,
            ["Storage:ConnectionString"] = connectionString,
            ["Bus:Provider"] = "memory",
            ["Web:Urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var kv in extra ?? new Dictionary<string, string?>()) settings[kv.Key] = kv.Value;

        var sut = new SystemUnderTest(simulator, telegram, connectionString, drop, folder, settings);
        await sut.WriteCredentialFilesAsync(simulator.Credentials);
        await sut.StartHostAsync();
        return sut;
    }

    public async Task WriteCredentialFilesAsync(AgendaCredentials credentials)
    {
        await File.WriteAllTextAsync(CookieFile, credentials.Cookie + "\n");
        await File.WriteAllTextAsync(CsrfFile, credentials.CsrfToken + "\n");
    }

    public async Task StartHostAsync()
    {
        var builder = PassportBotHost.CreateBuilder([], _settings).AddRoles(Roles.All);
        if (Environment.GetEnvironmentVariable("PASSPORTBOT_TEST_LOGS") is null) builder.Logging.ClearProviders();
        App = builder.BuildApp();
        await App.StartAsync();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Http = new HttpClient { BaseAddress = new Uri(address) };
    }

    /// <summary>Stops the process's host (as a restart would) and starts a new one over the same database.</summary>
    public async Task RestartAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
    }

    public async Task StopHostAsync()
    {
        if (App is null) return;
        await App.StopAsync();
        await App.DisposeAsync();
        App = null;
        Http.Dispose();
    }

    /// <summary>An office of the province whose slots can be booked at any hour, so tests do not depend on the clock.</summary>
    public int AlwaysBookableOffice(string code)
    {
        var office = Simulator.World.GetOffice(code);
        Simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
        return office.Id;
    }

    public DateOnly Day(int daysFromToday) => RomeTime.Today(TimeProvider.System).AddDays(daysFromToday);

    public async Task SubscribeDirectlyAsync(long chatId, string province, Language language = Language.Italian) =>
        await Get<ISubscriptionStore>().SubscribeAsync(chatId, province, language, CancellationToken.None);

    /// <summary>Waits until the poller has read the province <paramref name="polls"/> more times.</summary>
    public Task WaitForPollsAsync(string province, int polls, TimeSpan? timeout = null)
    {
        var target = Simulator.Calls.OfficeListCalls(province) + polls;
        return Eventually.TrueAsync(() => Simulator.Calls.OfficeListCalls(province) >= target, timeout ?? TimeSpan.FromSeconds(30), $"{polls} more polls of {province}");
    }

    public List<BotApiCall> MessagesTo(long chatId) => Telegram.SentMessages.Where(c => c.ChatId == chatId).ToList();

    public async Task<JsonElement[]> GetSlotsAsync(string province, string state)
    {
        var json = await Http.GetFromJsonAsync<JsonElement[]>($"/api/slots?province={province}&state={state}");
        return json!;
    }

    public async ValueTask DisposeAsync()
    {
        await StopHostAsync();
        await Telegram.DisposeAsync();
        await Simulator.DisposeAsync();
        await _dropDatabase.DisposeAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}

public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
            await Task.Delay(20);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}.");
            await Task.Delay(20);
        }
    }
}

using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Storage;
using PassportBot.Testing.Storage;

namespace PassportBot.Web.Tests;

/// <summary>A real Kestrel host on 127.0.0.1 (port 0) with the real SQLite storage in its own temp file,
/// wired exactly as the <c>passportbot</c> executable does: AddPassportBotStorage + AddPassportBotWeb + MapPassportBotWeb.</summary>
internal sealed class TestWebApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IAsyncDisposable _database;

    private TestWebApp(WebApplication app, IAsyncDisposable database, HttpClient client)
    {
        _app = app;
        _database = database;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="services">Runs before the components register, so a test's TimeProvider wins.</param>
    /// <param name="settings">Overrides; the API cache is off unless a test turns it on.</param>
    /// <param name="provider">Storage provider: sqlite, or mariadb / postgres on the servers of scripts/services.sh.</param>
    public static async Task<TestWebApp> StartAsync(
        Action<IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null, string provider = "sqlite")
    {
        var (connectionString, database) = await TestDatabases.CreateAsync(provider);
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.Logging.ClearProviders();
            var configuration = new Dictionary<string, string?>
            {
                ["Storage:Provider"] = provider,
                ["Storage:ConnectionString"] = connectionString,
                ["Web:Urls"] = "http://127.0.0.1:0",
                ["Web:CacheDuration"] = "00:00:00",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
            builder.Configuration.AddInMemoryCollection(configuration);

            services?.Invoke(builder.Services);
            builder.Services.AddPassportBotStorage(builder.Configuration);
            builder.Services.AddPassportBotWeb(builder.Configuration);

            app = builder.Build();
            app.MapPassportBotWeb();
            await app.StartAsync();

            var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return new TestWebApp(app, database, client);
        }
        catch
        {
            if (app is not null) await app.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async Task<(HttpResponseMessage Response, JsonElement Json)> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return (response, document.RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }
}

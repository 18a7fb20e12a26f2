using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;
using PassportBot.Storage;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>A host with the real SQLite store (own temp file), the real in-process bus and the Telegram
/// components under test, pointed at a <see cref="FakeBotApiServer"/> on 127.0.0.1.</summary>
public sealed class TelegramTestHost : IAsyncDisposable
{
    public const long AdminChatId = 4242;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _databasePath;
    private readonly Channel<SubscriptionRequest> _requests = Channel.CreateUnbounded<SubscriptionRequest>();
    private IAsyncDisposable? _requestConsumer;

    private TelegramTestHost(FakeBotApiServer server, IHost host, string databasePath)
    {
        Server = server;
        Host = host;
        _databasePath = databasePath;
    }

    public FakeBotApiServer Server { get; }
    public IHost Host { get; }
    public IServiceProvider Services => Host.Services;
    public ISubscriptionStore Subscriptions => Services.GetRequiredService<ISubscriptionStore>();
    public ISettingsStore Settings => Services.GetRequiredService<ISettingsStore>();
    public IMessageBus Bus => Services.GetRequiredService<IMessageBus>();

    /// <param name="roles">Registers the Telegram components to test on the services.</param>
    /// <param name="captureSubscriptionRequests">Consume <c>new_user</c> into <see cref="NextRequestAsync"/>
    /// (standing in for the new-user handler, which belongs to the workers).</param>
    public static async Task<TelegramTestHost> StartAsync(
        Action<IServiceCollection, IConfiguration> roles,
        IDictionary<string, string?>? settings = null,
        bool captureSubscriptionRequests = false,
        Action<FakeBotApiServer>? beforeStart = null)
    {
        var server = await FakeBotApiServer.StartAsync();
        beforeStart?.Invoke(server);
        var databasePath = Path.Combine(Path.GetTempPath(), $"passportbot-telegram-tests-{Guid.NewGuid():N}.db");
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = $"Data Source={databasePath}",
            ["Telegram:Token"] = server.Token,
            ["Telegram:ApiBaseUrl"] = server.BaseUrl,
            ["Telegram:AdminChatIds:0"] = AdminChatId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Telegram:PollingTimeout"] = "00:00:05",
            ["Telegram:RequestTimeout"] = "00:00:05",
            ["Telegram:TransientRetryDelay"] = "00:00:00.050",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;

        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPassportBotStorage(builder.Configuration);
        builder.Services.AddInMemoryBus();
        roles(builder.Services, builder.Configuration);
        var host = builder.Build();
        var testHost = new TelegramTestHost(server, host, databasePath);
        await host.Services.GetRequiredService<IStorageMigrator>().MigrateAsync(CancellationToken.None);
        if (captureSubscriptionRequests)
        {
            testHost._requestConsumer = await testHost.Bus.ConsumeAsync(
                Queues.NewUser,
                async (request, ct) => await testHost._requests.Writer.WriteAsync(request, ct),
                new ConsumerOptions(),
                CancellationToken.None);
        }
        await host.StartAsync();
        return testHost;
    }

    public async Task<SubscriptionRequest> NextRequestAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        return await _requests.Reader.ReadAsync(cts.Token);
    }

    /// <summary>True when a subscription request is waiting (the bot publishes before it replies, so after a
    /// reply this tells whether that command published anything).</summary>
    public bool HasPendingRequest => _requests.Reader.TryPeek(out _);

    public async ValueTask DisposeAsync()
    {
        if (_requestConsumer is not null) await _requestConsumer.DisposeAsync();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5))) await Host.StopAsync(stop.Token);
        if (Host is IAsyncDisposable asyncHost) await asyncHost.DisposeAsync();
        else Host.Dispose();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try { File.Delete(_databasePath + suffix); } catch (IOException) { }
        }
    }
}

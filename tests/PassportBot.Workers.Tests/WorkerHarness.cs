using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;
using PassportBot.Storage;
using PassportBot.Testing.Storage;

namespace PassportBot.Workers.Tests;

/// <summary>The worker services over a real, throw-away database and the real in-process bus.</summary>
public sealed class WorkerHarness : IAsyncDisposable
{
    private readonly IAsyncDisposable _drop;

    private WorkerHarness(ServiceProvider services, IAsyncDisposable drop, string connectionString)
    {
        Services = services;
        _drop = drop;
        ConnectionString = connectionString;
    }

    public ServiceProvider Services { get; }
    public string ConnectionString { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static async Task<WorkerHarness> StartAsync(string provider, IDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync(provider);
        var provider2 = await CreateProviderAsync(provider, connectionString, settings, time);
        return new WorkerHarness(provider2, drop, connectionString);
    }

    /// <summary>A second set of services over the same database, as a restarted or second process would have.</summary>
    public Task<ServiceProvider> RestartAsync(string provider, IDictionary<string, string?>? settings = null, TimeProvider? time = null) =>
        CreateProviderAsync(provider, ConnectionString, settings, time);

    private static async Task<ServiceProvider> CreateProviderAsync(string provider, string connectionString, IDictionary<string, string?>? settings, TimeProvider? time)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Bus:Provider"] = "memory",
        };
        foreach (var kv in settings ?? new Dictionary<string, string?>()) values[kv.Key] = kv.Value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        if (time is not null) services.AddSingleton(time);
        services.AddPassportBotStorage(configuration);
        services.AddBusOptions(configuration).AddInMemoryBus();
        services.AddWorkerCore(configuration);
        services.AddSingleton<AvailabilityHandler>();
        services.AddSingleton<NewUserHandler>();
        var sp = services.BuildServiceProvider(validateScopes: true);
        await sp.GetRequiredService<IStorageMigrator>().MigrateAsync(CancellationToken.None);
        return sp;
    }

    /// <summary>Expands every pending fan-out job, then takes every outbox entry (and removes it), decoded.</summary>
    public async Task<List<OutgoingMessage>> DrainOutboxAsync(IServiceProvider? services = null, bool expand = true)
    {
        var expander = (services ?? Services).GetRequiredService<FanOutExpander>();
        while (expand && await expander.ExpandNextAsync("test-expander", CancellationToken.None)) { }
        var outbox = (services ?? Services).GetRequiredService<IOutboxStore>();
        var all = new List<OutgoingMessage>();
        while (true)
        {
            var batch = await outbox.ClaimAsync("test", 5000, TimeSpan.FromMinutes(1), CancellationToken.None);
            if (batch.Count == 0) return all;
            all.AddRange(batch.Select(e => Rendered(MessageJson.Deserialize<OutgoingMessage>(e.Payload))));
            await outbox.DeleteAsync(batch.Select(e => e.Id).ToList(), CancellationToken.None);
        }
    }

    /// <summary>The queued facts with the text the dispatcher would render for Telegram in <see cref="OutgoingMessage.Content"/>.</summary>
    public static OutgoingMessage Rendered(OutgoingMessage m)
    {
        Assert.Equal(OutgoingMessage.CurrentVersion, m.Version);
        Assert.Null(m.Content);
        return m with { Content = AvailabilityFormatter.Render(m.ToNotification()).Text };
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _drop.DisposeAsync();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace PassportBot.Storage.Tests;

/// <summary>One "process" worth of storage: a service provider built by AddPassportBotStorage.</summary>
internal sealed class StorageHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public StorageHarness(string provider, string connectionString, FakeTimeProvider clock, bool migrateOnStart = true)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MigrateOnStart"] = migrateOnStart ? "true" : "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(clock);
        services.AddPassportBotStorage(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public IServiceProvider Services => _services;

    public ISubscriptionStore Subscriptions => Get<ISubscriptionStore>();
    public IAvailabilityStore Availability => Get<IAvailabilityStore>();
    public IOutboxStore Outbox => Get<IOutboxStore>();
    public IFanOutJobStore FanOutJobs => Get<IFanOutJobStore>();
    public IDashboardQueries Dashboard => Get<IDashboardQueries>();
    public ISettingsStore Settings => Get<ISettingsStore>();
    public ILeaseStore Leases => Get<ILeaseStore>();
    public IStorageMigrator Migrator => Get<IStorageMigrator>();
    public IHistoryRetention Retention => Get<IHistoryRetention>();

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Storage.Schema;
using PassportBot.Storage.Sql;
using PassportBot.Storage.Stores;

namespace PassportBot.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers every storage interface over the provider chosen by <c>Storage:Provider</c>
    /// (sqlite | mariadb | mysql | postgres) and <c>Storage:ConnectionString</c>, plus a hosted service that
    /// migrates the schema at start when <c>Storage:MigrateOnStart</c> is true (hosted services start in
    /// registration order: call this before adding hosted services that use the storage).</summary>
    public static IServiceCollection AddPassportBotStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // Options.Value runs the validator, so a bad configuration fails here with its message even outside a host.
        services.TryAddSingleton(sp => new StorageDatabase(StorageProviders.CreateDialect(sp.GetRequiredService<IOptions<StorageOptions>>().Value)));
        services.TryAddSingleton(sp => new SlotWriter(sp.GetRequiredService<StorageDatabase>().Dialect));

        services.TryAddSingleton<IStorageMigrator, StorageMigrator>();
        services.TryAddSingleton<ISubscriptionStore, SubscriptionStore>();
        services.TryAddSingleton<IAvailabilityStore, AvailabilityStore>();
        services.TryAddSingleton<IOutboxStore, OutboxStore>();
        services.TryAddSingleton<IFanOutJobStore, FanOutJobStore>();
        services.TryAddSingleton<IDashboardQueries, DashboardQueries>();
        services.TryAddSingleton<ISettingsStore, SettingsStore>();
        services.TryAddSingleton<ILeaseStore, LeaseStore>();
        services.TryAddSingleton<IOfficeDirectory, OfficeDirectory>();
        services.TryAddSingleton<IHistoryRetention, HistoryRetention>();
        services.TryAddSingleton<ISentMessageStore, SentMessageStore>();
        // Used by the in-process bus only (Bus:Provider=memory): its queues then survive a crash.
        services.TryAddSingleton<IMessageJournal, MessageJournalStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MigrateOnStartService>());
        return services;
    }
}

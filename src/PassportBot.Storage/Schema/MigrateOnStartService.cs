using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Schema;

/// <summary>Brings the schema up to date before the other hosted services start, when configured to.</summary>
internal sealed class MigrateOnStartService(IOptions<StorageOptions> options, IStorageMigrator migrator, StorageDatabase database, ILogger<MigrateOnStartService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dialect = database.Dialect;
        if (!options.Value.MigrateOnStart)
        {
            logger.LogInformation("Storage: {Provider} at {Connection}; migrations at start are off", dialect.Name, dialect.DescribeConnection());
            return;
        }
        logger.LogInformation("Storage: migrating {Provider} at {Connection}", dialect.Name, dialect.DescribeConnection());
        await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

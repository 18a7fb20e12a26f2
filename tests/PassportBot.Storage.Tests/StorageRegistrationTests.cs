using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Testing.Storage;

namespace PassportBot.Storage.Tests;

public sealed class StorageRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (logs is not null) b.AddProvider(logs);
        });
        services.AddPassportBotStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Unknown_provider_fails_validation_listing_the_valid_ones()
    {
        using var services = Build(new() { ["Storage:Provider"] = "oracle" });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<ISubscriptionStore>());
        Assert.Contains("'oracle'", error.Message);
        Assert.Contains("sqlite, mariadb, mysql, postgres", error.Message);
    }

    [Fact]
    public void Empty_connection_string_fails_validation()
    {
        using var services = Build(new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = " " });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOutboxStore>());
        Assert.Contains("Storage:ConnectionString is empty", error.Message);
    }

    [Fact]
    public void Every_interface_is_one_singleton_and_time_comes_from_the_system_by_default()
    {
        using var services = Build(new() { ["Storage:Provider"] = "MariaDB", ["Storage:ConnectionString"] = "Server=127.0.0.1;Database=x" });
        Assert.Same(services.GetRequiredService<ILeaseStore>(), services.GetRequiredService<ILeaseStore>());
        Assert.Same(TimeProvider.System, services.GetRequiredService<TimeProvider>());
        foreach (var type in new[] { typeof(ISubscriptionStore), typeof(IAvailabilityStore), typeof(IOutboxStore), typeof(IDashboardQueries), typeof(ISettingsStore), typeof(IStorageMigrator) })
        {
            Assert.NotNull(services.GetRequiredService(type));
        }
    }

    [Fact]
    public async Task Sqlite_creates_the_missing_folder_of_its_file()
    {
        var root = Path.Combine(Path.GetTempPath(), "passportbot-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(root, "nested", "data", "bot.db");
        var logs = new CapturingLoggerProvider();
        try
        {
            await using (var services = Build(new() { ["Storage:ConnectionString"] = $"Data Source={file}" }, logs))
            {
                foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
                Assert.True(await services.GetRequiredService<IStorageMigrator>().PingAsync(CancellationToken.None));
            }
            Assert.True(File.Exists(file));
            Assert.Contains(logs.Messages, m => m.Contains("migrating sqlite", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
            {
                // Chat ids and the pasted agenda session live here: private to the service's user.
                const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                Assert.Equal(owner, File.GetUnixFileMode(file));
                Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
                Assert.Equal(owner | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(root, "nested")));
                foreach (var companion in new[] { file + "-wal", file + "-shm" }.Where(File.Exists))
                    Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(companion) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task Server_connection_strings_are_logged_without_their_password()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync("postgres");
        await using var _ = drop;
        var logs = new CapturingLoggerProvider();
        await using var services = Build(new() { ["Storage:Provider"] = "postgres", ["Storage:ConnectionString"] = connectionString }, logs);

        foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);

        var password = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password;
        Assert.False(string.IsNullOrEmpty(password));
        Assert.Contains(logs.Messages, m => m.Contains("migrating postgres", StringComparison.Ordinal) && m.Contains("***", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains($"assword={password}", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Migrate_on_start_can_be_turned_off()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        await using var _ = drop;
        await using var services = Build(new() { ["Storage:ConnectionString"] = connectionString, ["Storage:MigrateOnStart"] = "false" });

        foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);

        await using var connection = TestDatabases.CreateConnection("sqlite", connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_version'";
        Assert.Equal(0L, await command.ExecuteScalarAsync());
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(_messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PassportBot.Messaging.InMemory;
using PassportBot.Storage;
using PassportBot.Testing.Storage;

namespace PassportBot.Messaging.Tests.Support;

/// <summary>The in-process bus over a message journal in a throw-away SQLite database, as the embedded mode runs
/// it. <see cref="Restart"/> builds a new bus over the same journal, as a new process after a crash would.</summary>
public sealed class JournaledBusFixture : IBusFixture
{
    private readonly ServiceProvider _storage;
    private readonly IAsyncDisposable _drop;

    private JournaledBusFixture(ServiceProvider storage, IAsyncDisposable drop, TimeProvider time)
    {
        _storage = storage;
        _drop = drop;
        Time = time;
        Journal = storage.GetRequiredService<IMessageJournal>();
        Current = Restart();
    }

    public TimeProvider Time { get; }

    public IMessageJournal Journal { get; }

    public InMemoryMessageBus Current { get; private set; }

    public IMessageBus Bus => Current;

    public IDeadLetterQueue DeadLetters => Current;

    public static async Task<JournaledBusFixture> CreateAsync(TimeProvider? time = null)
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddLogging();
        services.AddPassportBotStorage(config);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IStorageMigrator>().MigrateAsync(CancellationToken.None);
        return new JournaledBusFixture(provider, drop, time ?? TimeProvider.System);
    }

    /// <summary>A new bus over the same journal; the previous one is abandoned as a killed process would be.</summary>
    public InMemoryMessageBus Restart() => Current = new InMemoryMessageBus(Time, NullLogger<InMemoryMessageBus>.Instance, Journal);

    public Task PublishRawAsync(string queue, byte[] body, CancellationToken cancellationToken)
    {
        Current.PublishRaw(queue, body);
        return Task.CompletedTask;
    }

    public Task<byte[]?> TakeRawAsync(string queue, CancellationToken cancellationToken) => Task.FromResult(Current.TakeRaw(queue));

    public async ValueTask DisposeAsync()
    {
        await _storage.DisposeAsync();
        await _drop.DisposeAsync();
    }
}

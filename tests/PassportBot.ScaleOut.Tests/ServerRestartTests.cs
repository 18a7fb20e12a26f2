using PassportBot.Domain;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("PassportBot.ScaleOut.Tests.ServerRestartsLast", "PassportBot.ScaleOut.Tests")]

namespace PassportBot.ScaleOut.Tests;

/// <summary>The broker and the database restart in the middle of a fan-out: nothing is lost and the processes
/// recover by themselves. These restart the shared servers, so they run alone and last; the servers are always
/// left running, even when a test fails.</summary>
[Collection(nameof(ServerRestartCollection))]
[Trait("Category", "ServerRestart")]
public sealed class ServerRestartTests(ITestOutputHelper output)
{
    private const int Subscribers = 300;

    [Fact]
    public async Task A_broker_restart_mid_fan_out_loses_nothing()
    {
        await using var cluster = await Cluster.CreateAsync(extra: new Dictionary<string, string?> { ["Telegram:MaxMessagesPerSecond"] = "60" });
        var (chats, second, dispatcher) = await StartFanOutAsync(cluster);

        SlotKey during;
        try
        {
            var (code, text) = await Shell.RunAsync("rabbitmqctl", ["stop_app"], TimeSpan.FromSeconds(120));
            Assert.True(code == 0, $"rabbitmqctl stop_app: {text}");
            // While the broker is away a new slot appears; /health says the bus is down.
            during = cluster.Simulator.World.AddSlot(second, Cluster.Day(8), new TimeOnly(11, 15), 1);
            await WaitComponentAsync(dispatcher, "bus", healthy: false);
        }
        finally
        {
            await EnsureBrokerRunningAsync();
        }
        await WaitComponentAsync(dispatcher, "bus", healthy: true);

        await AssertEverySubscriberServedAsync(cluster, chats, during);
    }

    [Fact]
    public async Task A_database_restart_mid_fan_out_loses_nothing()
    {
        await using var cluster = await Cluster.CreateAsync(extra: new Dictionary<string, string?> { ["Telegram:MaxMessagesPerSecond"] = "60" });
        var (chats, second, _) = await StartFanOutAsync(cluster);
        var handler = cluster.Processes.Single(p => p.Role == "avail-handler");

        SlotKey during;
        try
        {
            var (code, text) = await Shell.RunAsync("mariadb-admin", ["shutdown"], TimeSpan.FromSeconds(120));
            Assert.True(code == 0, $"mariadb-admin shutdown: {text}");
            during = cluster.Simulator.World.AddSlot(second, Cluster.Day(8), new TimeOnly(11, 15), 1);
            await WaitComponentAsync(handler, "storage", healthy: false);
        }
        finally
        {
            await EnsureMariaDbRunningAsync();
        }
        await WaitComponentAsync(handler, "storage", healthy: true);

        await AssertEverySubscriberServedAsync(cluster, chats, during);
    }

    /// <summary>Poller, availability handler and dispatcher (60 msg/s: a fan-out to 300 takes 5 s); one slot is
    /// announced and the test returns once a fifth of its fan-out is delivered.</summary>
    private async Task<(List<long> Chats, int SecondOffice, RoleProcess Dispatcher)> StartFanOutAsync(Cluster cluster)
    {
        await cluster.MigrateAsync();
        var chats = Enumerable.Range(6000, Subscribers).Select(i => (long)i).ToList();
        await cluster.SubscribeAsync(chats, "TO");
        var first = cluster.AlwaysBookableOffice("TOPQ60");
        var second = cluster.AlwaysBookableOffice(cluster.Simulator.World.OfficesIn("TO").First(o => o.Code != "TOPQ60").Code);
        var processes = new[] { cluster.Start("poller"), cluster.Start("avail-handler"), cluster.Start("dispatcher") };
        await Cluster.WaitAnsweringAsync(processes);
        await cluster.WaitForPollsAsync("TO", 1);

        _before = cluster.Simulator.World.AddSlot(first, Cluster.Day(7), new TimeOnly(16, 40), 1);
        var text = Cluster.SlotText(_before);
        await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count >= Subscribers / 5, Cluster.Timeout, "the fan-out under way", cluster.Tails);
        _deliveredBefore = cluster.CountsByChat(text).Count;
        return (chats, second, processes[2]);
    }

    private SlotKey _before;
    private int _deliveredBefore;

    private async Task AssertEverySubscriberServedAsync(Cluster cluster, List<long> chats, SlotKey during)
    {
        foreach (var slot in new[] { _before, during })
        {
            var text = Cluster.SlotText(slot);
            await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count == chats.Count, TimeSpan.FromSeconds(90),
                $"{slot} delivered to all {chats.Count} subscribers (so far {cluster.CountsByChat(text).Count})", cluster.Tails);
        }
        await cluster.WaitForPollsAsync("TO", 2);
        var duplicates = new[] { _before, during }.Select(s => cluster.CountsByChat(Cluster.SlotText(s)).Values.Sum(n => n - 1)).ToArray();
        output.WriteLine($"restart after {_deliveredBefore} of {chats.Count} deliveries; every subscriber served both slots; duplicates: {duplicates[0]} (slot in flight), {duplicates[1]} (slot found during the outage)");
        Assert.All(cluster.Processes, p => Assert.False(p.HasExited, p.Tail));
        // A slot found while a server was away is never announced twice; the one in flight at most once more per
        // message the dispatcher had taken from the queue (its prefetch: 2 x concurrency, 2 x 30 at 60 msg/s).
        Assert.Equal(0, duplicates[1]);
        Assert.True(duplicates[0] <= 60, $"{duplicates[0]} duplicates of the slot in flight, more than the dispatcher's prefetch (60).");
    }

    private static async Task WaitComponentAsync(RoleProcess process, string component, bool healthy)
    {
        string last = "";
        await Eventually.TrueAsync(async () =>
        {
            var h = await process.GetHealthAsync();
            if (h is null) return false;
            last = h.Value.Body.ToString();
            var status = h.Value.Body.GetProperty("components").GetProperty(component).GetProperty("status").GetString();
            return healthy ? status == "Healthy" && h.Value.Status == 200 : status != "Healthy";
        }, Cluster.Timeout, $"{process.Name} /health: {component} {(healthy ? "healthy" : "not healthy")}", () => last + "\n" + process.Tail);
    }

    private static async Task EnsureBrokerRunningAsync()
    {
        var (code, text) = await Shell.RunAsync("rabbitmqctl", ["start_app"], TimeSpan.FromSeconds(120));
        var (waited, waitText) = await Shell.RunAsync("rabbitmqctl", ["await_startup", "--timeout", "120"], TimeSpan.FromSeconds(150));
        Assert.True(code == 0 && waited == 0, $"RabbitMQ did not come back: {text} {waitText}");
    }

    /// <summary>Starts MariaDB exactly as scripts/services.sh does when it is not answering, and waits for it.</summary>
    private static async Task EnsureMariaDbRunningAsync()
    {
        if ((await Shell.RunAsync("mariadb", ["-e", "select 1"], TimeSpan.FromSeconds(30))).Code == 0) return;
        var (code, text) = await Shell.RunAsync("bash", ["-c",
            "mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && " +
            "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306 --max-connections=500"],
            TimeSpan.FromSeconds(60));
        Assert.True(code == 0, $"could not start mariadbd: {text}");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Shell.RunAsync("mariadb", ["-e", "select 1"], TimeSpan.FromSeconds(30))).Code != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "MariaDB did not answer within 60 s of its restart.");
            await Task.Delay(500);
        }
    }
}

[CollectionDefinition(nameof(ServerRestartCollection), DisableParallelization = true)]
public sealed class ServerRestartCollection;

/// <summary>Runs the server-restart collection after every other collection.</summary>
public sealed class ServerRestartsLast : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(c => c.DisplayName.Contains(nameof(ServerRestartCollection), StringComparison.Ordinal) ? 1 : 0)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}

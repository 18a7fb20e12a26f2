using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Agenda.Simulator;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Testing;
using PassportBot.Testing.Storage;
using Xunit.Abstractions;

namespace PassportBot.ScaleOut.Tests;

/// <summary>The embedded mode (<c>passportbot run</c>: SQLite and the in-process bus) as a real OS process,
/// killed with SIGKILL in the middle of a fan-out and started again over the same database.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class EmbeddedCrashTests(ITestOutputHelper output)
{
    private const int Subscribers = 300;

    // At the default 25 msg/s the dispatcher sends up to 12 messages at once: the most a crash can repeat.
    private const int SendsInFlight = 12;

    [Fact]
    public Task Killing_run_mid_fan_out_loses_no_message_and_repeats_at_most_the_sends_in_flight() =>
        KillAndRestartAsync(Subscribers, new Dictionary<string, string?>(), killAfterSends: 60);

    /// <summary>Killed right after the first send of a fan-out expanded one subscriber per chunk (2,000 of them), so
    /// usually while the job is still being expanded (the output says whether it was): the restarted process continues
    /// the job from its cursor once the dead process's lease expired, and every subscriber still gets the message,
    /// once. Whether the kill lands mid-expansion depends on the machine's speed, so it is reported, not asserted;
    /// the resumption itself is pinned deterministically by the fan-out expander tests. Sending is unthrottled (so
    /// the restart does not take minutes) but limited to the same 12 sends at once as the default.</summary>
    [Fact]
    public Task Killing_run_early_in_a_fan_out_expanded_in_small_chunks_loses_no_message() =>
        KillAndRestartAsync(2_000, new Dictionary<string, string?>
        {
            ["Workers:FanOutChunkSize"] = "1",
            ["Workers:FanOutLease"] = "00:00:03",
            ["Workers:FanOutPollInterval"] = "00:00:00.200",
            ["Telegram:RateLimitEnabled"] = "false",
            ["Telegram:DispatcherConcurrency"] = SendsInFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, killAfterSends: 1);

    private async Task KillAndRestartAsync(int subscribers, Dictionary<string, string?> settings, int killAfterSends)
    {
        await using var simulator = new AgendaSimulator(new AgendaSimulatorSettings { Seed = 7 });
        await simulator.StartAsync();
        await using var telegram = await FakeBotApiServer.StartAsync();
        var (connectionString, drop) = await TestDatabases.CreateAsync("sqlite");
        await using var _ = drop;
        var folder = Directory.CreateTempSubdirectory("passportbot-embedded-").FullName;
        var processes = new List<RoleProcess>();
        string Tails() => string.Join("\n", processes.Select(p => p.Tail));
        try
        {
            // Telegram's default limits (25 msg/s): the fan-out takes 12 s, as it would in production.
            var environment = new Dictionary<string, string?>
            {
                ["Bus:Provider"] = "memory",
                ["Storage:Provider"] = "sqlite",
                ["Storage:ConnectionString"] = connectionString,
                ["Telegram:Token"] = telegram.Token,
                ["Telegram:ApiBaseUrl"] = telegram.BaseUrl,
                ["Telegram:PollingTimeout"] = "00:00:02",
                ["Agenda:BaseUrl"] = simulator.BaseUrl,
                ["Agenda:Cookie"] = simulator.Credentials.Cookie,
                ["Agenda:CsrfToken"] = simulator.Credentials.CsrfToken,
                ["Agenda:CookieFile"] = "",
                ["Agenda:CsrfTokenFile"] = "",
                ["Agenda:PollInterval"] = "00:00:01",
                ["Agenda:MaxRetries"] = "1",
                ["Workers:PollerTick"] = "00:00:00.100",
                ["Workers:PollJitter"] = "00:00:00",
                ["Workers:RelayPollInterval"] = "00:00:00.100",
                ["Logging:LogLevel:Default"] = "Warning",
            }.Concat(settings).ToDictionary(kv => "PASSPORTBOT_" + kv.Key.Replace(":", "__"), kv => kv.Value);
            RoleProcess Start(string command)
            {
                var port = RoleProcess.FreePort();
                var process = RoleProcess.Start($"{command}#{processes.Count + 1}", command, environment, [$"--Web:Urls=http://127.0.0.1:{port}"], folder, port);
                processes.Add(process);
                return process;
            }

            var migrate = Start("migrate");
            await migrate.WaitForExitAsync(Cluster.Timeout);
            Assert.True(migrate.ExitCode == 0, migrate.Tail);
            await using (var storage = Storage(connectionString))
            {
                var subscriptions = storage.GetRequiredService<ISubscriptionStore>();
                for (long chat = 1; chat <= subscribers; chat++) await subscriptions.SubscribeAsync(chat, "TO", Language.Italian, default);
            }
            var office = simulator.World.GetOffice("TOPQ60");
            simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);

            var run = Start("run");
            await run.WaitUntilAnsweringAsync(Cluster.Timeout);
            var polls = simulator.Calls.OfficeListCalls("TO");
            await Eventually.TrueAsync(() => simulator.Calls.OfficeListCalls("TO") > polls, Cluster.Timeout, "a poll of TO", Tails);

            var slot = simulator.World.AddSlot(office.Id, Cluster.Day(5), new TimeOnly(9, 15), 1);
            var text = Cluster.SlotText(slot);
            Dictionary<long, int> Received() => telegram.SentMessages
                .Where(m => m.ChatId is not null && m.Text is { } t && t.Contains(text, StringComparison.Ordinal))
                .GroupBy(m => m.ChatId!.Value).ToDictionary(g => g.Key, g => g.Count());

            await Eventually.TrueAsync(() => Received().Count >= killAfterSends, Cluster.Timeout, $"{killAfterSends} subscribers served", Tails);
            run.Kill();
            await run.WaitForExitAsync(Cluster.Timeout);
            var atKill = Received().Count;
            await using (var storage = Storage(connectionString))
            {
                var pending = await storage.GetRequiredService<IFanOutJobStore>().CountAsync(default);
                output.WriteLine($"fan-out jobs left by the killed process: {pending}");
            }

            var restarted = Start("run");
            await restarted.WaitUntilAnsweringAsync(Cluster.Timeout);
            try
            {
                await Eventually.TrueAsync(() => Received().Count == subscribers, Cluster.Timeout, "every subscriber served after the restart");
            }
            catch (TimeoutException)
            {
                Assert.Fail($"SIGKILL after {atKill} of {subscribers} sends, then a restart: {subscribers - Received().Count} subscribers never got the message.\n{Tails()}");
            }
            // Copies repeated by the crash, if any, arrive with the rest of the fan-out; wait for a few more polls anyway.
            polls = simulator.Calls.OfficeListCalls("TO");
            await Eventually.TrueAsync(() => simulator.Calls.OfficeListCalls("TO") >= polls + 3, Cluster.Timeout, "three more polls", Tails);

            var received = Received();
            var duplicates = received.Values.Sum(n => n - 1);
            output.WriteLine($"SIGKILL after {atKill} of {subscribers} sends; after the restart {received.Count} of {subscribers} served, {subscribers - received.Count} lost, {duplicates} duplicates");
            Assert.Equal(subscribers, received.Count);
            Assert.True(duplicates <= SendsInFlight, $"{duplicates} duplicates, more than the {SendsInFlight} sends in flight.");
            Assert.False(restarted.HasExited, restarted.Tail);
        }
        finally
        {
            foreach (var p in processes) await p.DisposeAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static ServiceProvider Storage(string connectionString)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:MigrateOnStart"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddLogging();
        services.AddPassportBotStorage(config);
        return services.BuildServiceProvider();
    }
}

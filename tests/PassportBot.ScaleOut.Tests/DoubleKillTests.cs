using Xunit.Abstractions;

namespace PassportBot.ScaleOut.Tests;

/// <summary>SIGKILL of an availability handler and a dispatcher at the same moment, in the middle of a fan-out to
/// 600 subscribers: one process per role on RabbitMQ and a database server, the Telegram rate limit off. Counted
/// where a person would see it, at the fake Bot API, so it holds however the fan-out is written and relayed.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class DoubleKillTests(ITestOutputHelper output)
{
    private const int Subscribers = 600;

    private const int KillAfter = 30;

    // The dispatcher's sends in flight, the most a crash may repeat: what was sent but not yet recorded as sent.
    // Far smaller than the default with the limit off (64) so that copies from any other source cannot hide under
    // the bound: an outbox batch relayed again, or messages sent and acknowledged whose acknowledgement died with
    // the process, which the broker delivers again. Those the dispatcher must recognise by their id.
    private const int SendsInFlight = 4;

    // Outbox rows claimed by the killed relay come back after this lease; quiet for two of them, no copy is late.
    private static readonly TimeSpan RelayLease = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Killing_an_availability_handler_and_a_dispatcher_at_once_mid_fan_out_loses_nothing_and_repeats_at_most_the_sends_in_flight(string provider)
    {
        await using var cluster = await Cluster.CreateAsync(provider, extra: new Dictionary<string, string?>
        {
            ["Workers:RelayLease"] = RelayLease.ToString(),
            ["Telegram:RateLimitEnabled"] = "false",
            ["Telegram:DispatcherConcurrency"] = SendsInFlight.ToString(),
        });
        await cluster.MigrateAsync();
        var chats = Enumerable.Range(10_000, Subscribers).Select(i => (long)i).ToList();
        await cluster.SubscribeAsync(chats, "TO");
        var office = cluster.AlwaysBookableOffice("TOPQ60");

        var handler = cluster.Start("avail-handler");
        var dispatcher = cluster.Start("dispatcher");
        await Cluster.WaitAnsweringAsync(handler, dispatcher, cluster.Start("poller"));
        await cluster.WaitForPollsAsync("TO", 1);

        var text = Cluster.SlotText(cluster.Simulator.World.AddSlot(office, Cluster.Day(5), new TimeOnly(8, 45), 1));
        // Mid fan-out as the subscribers see it: the dispatcher is sending at full speed, most have nothing yet.
        var deadline = DateTime.UtcNow + Cluster.Timeout;
        while (cluster.CountsByChat(text).Count < KillAfter && DateTime.UtcNow < deadline) await Task.Delay(1);
        handler.Kill();
        dispatcher.Kill();
        var deliveredAtKill = cluster.CountsByChat(text).Count;
        Assert.True(deliveredAtKill is >= KillAfter and < Subscribers,
            $"{deliveredAtKill} of {Subscribers} delivered at the kill: the test did not hit the fan-out.\n{cluster.Tails()}");

        var restarted = new[] { cluster.Start("avail-handler"), cluster.Start("dispatcher") };
        await Eventually.TrueAsync(() => cluster.CountsByChat(text).Count == Subscribers, Cluster.Timeout, "every subscriber served", cluster.Tails);
        await QuietAsync(cluster, 2 * RelayLease);

        var counts = cluster.CountsByChat(text);
        var duplicates = counts.Values.Sum(n => n - 1);
        var lost = chats.Count(c => !counts.ContainsKey(c));
        output.WriteLine($"{provider}: SIGKILL of avail-handler and dispatcher with {deliveredAtKill} of {Subscribers} delivered; " +
                         $"lost {lost}, duplicates {duplicates} (bound: {SendsInFlight} sends in flight)");
        Assert.Equal(0, lost);
        Assert.True(duplicates <= SendsInFlight, $"{duplicates} duplicate messages, more than the {SendsInFlight} sends in flight: " +
            string.Join(", ", counts.Where(c => c.Value > 1).Take(20).Select(c => $"{c.Key}×{c.Value}")));
        Assert.All(restarted, p => Assert.False(p.HasExited, p.Tail));
    }

    /// <summary>Waits until no message has been sent for <paramref name="quiet"/>.</summary>
    private static async Task QuietAsync(Cluster cluster, TimeSpan quiet)
    {
        var sent = cluster.Telegram.SentMessages.Count;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < quiet)
        {
            await Task.Delay(100);
            var now = cluster.Telegram.SentMessages.Count;
            if (now != sent) (sent, since) = (now, DateTime.UtcNow);
        }
    }
}

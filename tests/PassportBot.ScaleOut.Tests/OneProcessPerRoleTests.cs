using Xunit.Abstractions;
using System.Text.Json;
using PassportBot.Domain;
using PassportBot.Storage;

namespace PassportBot.ScaleOut.Tests;

/// <summary>The embedded system's main scenario with every role as its own process, on RabbitMQ and a real
/// database server, and /health of every role.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class OneProcessPerRoleTests(ITestOutputHelper output)
{
    private static readonly string[] AllRoles = ["poller", "bot", "user-handler", "avail-handler", "dispatcher", "web"];

    [Theory]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task A_slot_reaches_the_subscriber_once_survives_a_restart_of_every_process_and_closes_when_taken(string provider)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        await using var cluster = await Cluster.CreateAsync(provider);
        await cluster.MigrateAsync();
        Step("migrated");
        const long chat = 100;
        var office = cluster.AlwaysBookableOffice("TOPQ60");

        var processes = AllRoles.Select(r => cluster.Start(r)).ToArray();
        await Cluster.WaitAnsweringAsync(processes);
        Step("6 processes answering");

        // The user subscribes through the bot process; the user-handler process stores it.
        cluster.Telegram.EnqueueText(chat, "/subscribe TO");
        await Eventually.TrueAsync(async () => (await cluster.Store<ISubscriptionStore>().GetProvincesAsync(chat, default)).Contains("TO"),
            Cluster.Timeout, "subscription stored", cluster.Tails);
        await cluster.Telegram.WaitForAsync(c => c.Any(x => x.Is("sendMessage") && x.ChatId == chat && x.Succeeded), Cluster.Timeout);
        await cluster.WaitForPollsAsync("TO", 1);
        var repliesBefore = cluster.Telegram.SentMessages.Count(m => m.ChatId == chat);
        Step("subscribed");

        // The site publishes a slot.
        var key = cluster.Simulator.World.AddSlot(office, Cluster.Day(3), new TimeOnly(17, 0), 2);
        var slotText = Cluster.SlotText(key);
        await Eventually.TrueAsync(() => cluster.Count(chat, slotText) >= 1, Cluster.Timeout, "the availability message", cluster.Tails);
        Step("announced");
        await cluster.WaitForPollsAsync("TO", 3);

        var announced = cluster.Telegram.SentMessages.Where(m => m.ChatId == chat && m.Text!.Contains(slotText)).ToList();
        var message = Assert.Single(announced);
        Assert.Equal(repliesBefore + 1, cluster.Telegram.SentMessages.Count(m => m.ChatId == chat));
        Assert.Contains("Nuova disponibilità", message.Text);
        Assert.Contains($"{slotText} Posti disponibili: 2", message.Text);
        Assert.Contains("TOPQ60 - ", message.Text);
        Assert.Equal("HTML", message.ParseMode, ignoreCase: true);

        // Every process stops and starts again: nothing is announced twice.
        await Task.WhenAll(processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(20))));
        Assert.All(processes, p => Assert.True(p.HasExited, p.Tail));
        Step("all stopped");
        processes = AllRoles.Select(r => cluster.Start(r)).ToArray();
        await Cluster.WaitAnsweringAsync(processes);
        Step("restarted");
        await cluster.WaitForPollsAsync("TO", 3);
        Assert.Equal(1, cluster.Count(chat, slotText));
        Assert.Equal(repliesBefore + 1, cluster.Telegram.SentMessages.Count(m => m.ChatId == chat));

        // The slot is booked: the web process shows it gone after two polls without it.
        cluster.Simulator.World.RemoveSlot(key);
        var web = processes.Single(p => p.Role == "web");
        var date = key.Date.ToString("yyyy-MM-dd");
        await Eventually.TrueAsync(async () => (await Cluster.GetSlotsAsync(web, "TO", "gone")).Any(s => s.GetProperty("date").GetString() == date),
            Cluster.Timeout, "slot gone", cluster.Tails);
        Assert.DoesNotContain(await Cluster.GetSlotsAsync(web, "TO", "open"), s => s.GetProperty("date").GetString() == date);
        Assert.Equal(1, cluster.Count(chat, slotText));
        Assert.All(processes, p => Assert.False(p.HasExited, p.Tail));
        Step("closed");
    }

    [Fact]
    public async Task Health_of_every_role_process_reports_broker_and_database()
    {
        await using var cluster = await Cluster.CreateAsync();
        await cluster.MigrateAsync();
        var processes = AllRoles.Select(r => cluster.Start(r)).ToArray();
        await Cluster.WaitAnsweringAsync(processes);

        foreach (var p in processes)
        {
            // Connections are opened in the background at start: healthy within the timeout.
            JsonElement body = default;
            await Eventually.TrueAsync(async () =>
            {
                var h = await p.GetHealthAsync();
                if (h is null) return false;
                body = h.Value.Body;
                return h.Value.Status == 200 && body.GetProperty("status").GetString() == "Healthy";
            }, Cluster.Timeout, $"{p.Name} healthy", () => body.ValueKind == JsonValueKind.Undefined ? p.Tail : body.ToString() + "\n" + p.Tail);

            var components = body.GetProperty("components");
            Assert.True(components.TryGetProperty("bus", out var bus), $"{p.Name}: no bus component in {body}");
            Assert.True(components.TryGetProperty("storage", out var storage), $"{p.Name}: no storage component in {body}");
            Assert.Equal("Healthy", bus.GetProperty("status").GetString());
            Assert.Equal("Healthy", storage.GetProperty("status").GetString());
            Assert.Equal("mariadb", storage.GetProperty("data").GetProperty("provider").GetString(), ignoreCase: true);
            // Secrets never appear in the report.
            var text = body.ToString();
            Assert.DoesNotContain(cluster.Telegram.Token, text);
            Assert.DoesNotContain(cluster.Simulator.Credentials.Cookie, text);
            Assert.DoesNotContain("Password", text);
        }
    }
}

[CollectionDefinition(nameof(ScaleOutCollection))]
public sealed class ScaleOutCollection;

using System.Text.Json;
using PassportBot.Targets;
using PassportBot.Testing;
using Xunit.Abstractions;

namespace PassportBot.ScaleOut.Tests;

/// <summary>Webhook and ntfy notifications through the <c>targets</c> queue on RabbitMQ, written to the outbox of a
/// real database, delivered by the <c>dispatcher</c> process to local receivers: new and gone slots, a 500 retried by
/// the broker with the same delivery id, a dead receiver dead-lettered, Telegram untouched by either.</summary>
[Collection(nameof(ScaleOutCollection))]
public sealed class TargetQueueTests(ITestOutputHelper output)
{
    private const string Secret = "webhook-test-secret";
    private const string NtfyToken = "tk_test_only_not_a_token";
    private const int MaxAttempts = 3;

    [Theory]
    [InlineData("mariadb")]
    [InlineData("postgres")]
    public async Task Webhook_and_ntfy_get_new_and_gone_slots_through_the_broker_and_the_database(string provider)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s  {what}");
        await using var webhook = await FakeHttpReceiver.StartAsync();
        await using var ntfy = await FakeHttpReceiver.StartAsync();
        await using var dead = await FakeHttpReceiver.StartAsync();
        webhook.Script(500);
        dead.DefaultStatus = 503;
        await using var cluster = await Cluster.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:crm:Url"] = webhook.BaseUrl + "/hook",
            ["Notifications:Webhooks:crm:Secret"] = Secret,
            ["Notifications:Webhooks:crm:Provinces:0"] = "TO",
            ["Notifications:Webhooks:down:Url"] = dead.BaseUrl + "/down",
            ["Notifications:Webhooks:down:Secret"] = Secret,
            ["Notifications:Ntfy:phone:Url"] = ntfy.BaseUrl + "/passaporti-to",
            ["Notifications:Ntfy:phone:Token"] = NtfyToken,
            ["Notifications:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifications:RetryDelay"] = "00:00:00.200",
            ["Notifications:Timeout"] = "00:00:05",
        });
        await cluster.MigrateAsync();
        const long chat = 100;
        await cluster.SubscribeAsync([chat], "TO");
        var office = cluster.AlwaysBookableOffice("TOPQ60");
        var processes = new[] { "poller", "avail-handler", "dispatcher" }.Select(r => cluster.Start(r)).ToArray();
        await Cluster.WaitAnsweringAsync(processes);
        await cluster.WaitForPollsAsync("TO", 1);
        Step($"{provider}: 3 processes polling");

        var key = cluster.Simulator.World.AddSlot(office, Cluster.Day(3), new TimeOnly(17, 0), 2);
        var date = key.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The webhook: a 500, then the same delivery (id, body, signature) again through the broker's retry.
        var hooks = await webhook.WaitForAsync(r => r.Count(x => x.Header("X-PassportBot-Event") == "slot.new") >= 2, Cluster.Timeout);
        Step("webhook slot.new delivered after one 500");
        var news = hooks.Where(x => x.Header("X-PassportBot-Event") == "slot.new").ToList();
        Assert.Equal(2, news.Count);
        Assert.Equal(news[0].Header("X-PassportBot-Delivery"), news[1].Header("X-PassportBot-Delivery"));
        Assert.Equal(news[0].Body, news[1].Body);
        Assert.All(news, r => Assert.True(WebhookSignature.Verify(Secret, r.Body, r.Header(WebhookSignature.HeaderName)), "signature must verify"));
        using (var json = JsonDocument.Parse(news[1].Body))
        {
            var root = json.RootElement;
            Assert.Equal("slot.new", root.GetProperty("event").GetString());
            Assert.Equal("TO", root.GetProperty("province").GetString());
            Assert.Equal("TOPQ60", root.GetProperty("office").GetProperty("code").GetString());
            var slot = Assert.Single(root.GetProperty("slots").EnumerateArray());
            Assert.Equal(date, slot.GetProperty("date").GetString());
            Assert.Equal("17:00", slot.GetProperty("time").GetString());
            Assert.Equal(2, slot.GetProperty("places").GetInt32());
        }

        // ntfy: one high-priority post, plain text, with its token.
        var posts = await ntfy.WaitForAsync(r => r.Count >= 1, Cluster.Timeout);
        var post = Assert.Single(posts);
        Assert.Equal("/passaporti-to", post.Path);
        Assert.Equal("high", post.Header("Priority"));
        Assert.Equal("Bearer " + NtfyToken, post.Header("Authorization"));
        Assert.Contains($"{Cluster.SlotText(key)} Posti disponibili: 2", post.Text, StringComparison.Ordinal);
        Step("ntfy post received");

        // Telegram is served beside them: the subscriber hears of the slot once.
        await Eventually.TrueAsync(() => cluster.Count(chat, Cluster.SlotText(key)) == 1, Cluster.Timeout, "the Telegram message", cluster.Tails);

        // The slot is booked: slot.gone to the webhook, a default-priority post to ntfy.
        cluster.Simulator.World.RemoveSlot(key);
        var gone = (await webhook.WaitForAsync(r => r.Any(x => x.Header("X-PassportBot-Event") == "slot.gone"), Cluster.Timeout))
            .Single(x => x.Header("X-PassportBot-Event") == "slot.gone");
        Assert.True(WebhookSignature.Verify(Secret, gone.Body, gone.Header(WebhookSignature.HeaderName)));
        Assert.NotEqual(news[0].Header("X-PassportBot-Delivery"), gone.Header("X-PassportBot-Delivery"));
        using (var json = JsonDocument.Parse(gone.Body))
            Assert.Equal(date, Assert.Single(json.RootElement.GetProperty("slots").EnumerateArray()).GetProperty("date").GetString());
        var gonePost = (await ntfy.WaitForAsync(r => r.Count >= 2, Cluster.Timeout))[1];
        Assert.Equal("default", gonePost.Header("Priority"));
        Step("slot.gone delivered to both");

        // The dead receiver got every attempt of each event, then the events were dead-lettered, without secrets.
        await dead.WaitForAsync(r => r.Count == 2 * MaxAttempts, Cluster.Timeout);
        Assert.All(dead.Requests.GroupBy(r => r.Header("X-PassportBot-Delivery")), g => Assert.Equal(MaxAttempts, g.Count()));
        string letters = "";
        await Eventually.TrueAsync(async () =>
        {
            var (code, text) = await cluster.RunAsync("dlq", "list", "--queue", "targets");
            letters = text;
            return code == 0 && text.Contains("2 dead letter(s) in targets.", StringComparison.Ordinal);
        }, Cluster.Timeout, "two dead letters in targets", () => letters);
        Assert.Contains("\"down\"", letters);
        Assert.DoesNotContain(Secret, letters);
        Assert.DoesNotContain(NtfyToken, letters);
        Step("dead receiver's events dead-lettered");

        // Nothing delivered twice once accepted, nothing lost: two deliveries to each live receiver.
        Assert.Equal(2, webhook.Requests.Where(r => r.Header("X-PassportBot-Delivery") is not null).Select(r => r.Header("X-PassportBot-Delivery")).Distinct().Count());
        Assert.Equal(2, ntfy.Requests.Count);
        Assert.Equal(1, cluster.Count(chat, Cluster.SlotText(key)));
        Assert.All(processes, p => Assert.False(p.HasExited, p.Tail));
    }
}

using System.Text;
using System.Text.Json;
using PassportBot.Targets;
using PassportBot.Testing;

namespace PassportBot.Watch.Tests;

/// <summary><c>watch --webhook/--ntfy</c>: the server's senders, to a real HTTP receiver on 127.0.0.1.</summary>
public sealed class TargetPushTests
{
    private const string Secret = "watch-secret-5c1d";
    private const string Token = "tk_TEST-ONLY-not-a-token-watch";

    [Fact]
    public async Task New_and_gone_slots_go_to_the_webhook_signed_and_to_ntfy_with_its_headers()
    {
        await using var agenda = await Agenda.StartAsync();
        await using var receiver = await FakeHttpReceiver.StartAsync();
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        var early = agenda.AddSlot("TOPQ60", 10, 9, 2);
        var late = agenda.AddSlot("TOPQ60", 12, 17, 1);

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, FixedClock.AtRealNow(), new Dictionary<string, string?>
        {
            ["Watch:Webhook"] = receiver.BaseUrl + "/hook",
            ["Watch:WebhookSecret"] = Secret,
            ["Watch:Ntfy"] = receiver.BaseUrl + "/topic",
            ["Watch:NtfyToken"] = Token,
        });
        var first = await receiver.WaitForAsync(r => r.Count == 2, TimeSpan.FromSeconds(15));

        var hook = Assert.Single(first, r => r.Path == "/hook");
        Assert.Equal("slot.new", hook.Header(WebhookSender.EventHeader));
        Assert.True(WebhookSignature.Verify(Secret, hook.Body, hook.Header(WebhookSignature.HeaderName)));
        using (var json = JsonDocument.Parse(hook.Body))
        {
            Assert.Equal("TO", json.RootElement.GetProperty("province").GetString());
            Assert.Equal("TOPQ60", json.RootElement.GetProperty("office").GetProperty("code").GetString());
            Assert.Equal([early.Date.ToString("yyyy-MM-dd"), late.Date.ToString("yyyy-MM-dd")],
                json.RootElement.GetProperty("slots").EnumerateArray().Select(s => s.GetProperty("date").GetString()!).ToArray());
        }
        var ntfy = Assert.Single(first, r => r.Path == "/topic");
        Assert.Equal("high", ntfy.Header("Priority"));
        Assert.Equal("Bearer " + Token, ntfy.Header("Authorization"));
        Assert.Contains("ore 09:00 Posti disponibili: 2", ntfy.Text, StringComparison.Ordinal);

        agenda.Simulator.World.RemoveSlot(late);
        var all = await receiver.WaitForAsync(r => r.Any(x => x.Header(WebhookSender.EventHeader) == "slot.gone") && r.Count(x => x.Path == "/topic") == 2,
            TimeSpan.FromSeconds(15));
        var gone = Assert.Single(all, r => r.Header(WebhookSender.EventHeader) == "slot.gone");
        Assert.Contains(late.Date.ToString("yyyy-MM-dd"), gone.Text, StringComparison.Ordinal);
        Assert.Equal("default", all.Last(r => r.Path == "/topic").Header("Priority"));
        Assert.DoesNotContain(Secret, run.Output.Text + run.Error.Text);
        Assert.DoesNotContain(Token, run.Output.Text + run.Error.Text);
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_with_the_same_delivery_id_and_reported_without_stopping_the_watch()
    {
        await using var agenda = await Agenda.StartAsync();
        await using var receiver = await FakeHttpReceiver.StartAsync();
        receiver.Script(503);
        using var folder = new TestFolder();
        folder.WriteCredentials(agenda.Simulator.Credentials);
        agenda.AddSlot("TOPQ60", 10, 9, 2);

        await using var run = await WatchRun.StartAsync(agenda.Simulator, folder, FixedClock.AtRealNow(), new Dictionary<string, string?>
        {
            ["Watch:Webhook"] = receiver.BaseUrl + "/hook/secret-path",
        });
        var requests = await receiver.WaitForAsync(r => r.Count == 2, TimeSpan.FromSeconds(15));

        Assert.Equal(requests[0].Header(WebhookSender.DeliveryHeader), requests[1].Header(WebhookSender.DeliveryHeader));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Null(requests[0].Header(WebhookSignature.HeaderName));
        await run.Output.WaitForAsync(l => l.Any(x => x.StartsWith("ERROR webhook", StringComparison.Ordinal) && x.Contains("HTTP 503", StringComparison.Ordinal)),
            "the failed attempt reported");
        Assert.DoesNotContain("secret-path", run.Output.Text + run.Error.Text);

        agenda.AddSlot("TOPC01", 11, 8, 3);
        await receiver.WaitForAsync(r => r.Count == 3, TimeSpan.FromSeconds(15));
        Assert.Contains("TOPC01", Encoding.UTF8.GetString(receiver.Requests[2].Body), StringComparison.Ordinal);
    }
}

using System.Text.Json;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Testing;

namespace PassportBot.Targets.Tests;

/// <summary>The targets queue consumed by the real consumer, POSTing with the real sender to a real HTTP receiver.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private const string Secret = "s3cret-for-tests-only-7f1c";
    private FakeHttpReceiver _receiver = null!;
    private TargetsTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _receiver = await FakeHttpReceiver.StartAsync();
        _host = await TargetsTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:hooks:Url"] = _receiver.BaseUrl + "/hook/private-path",
            ["Notifications:Webhooks:hooks:Secret"] = Secret,
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    internal static OutgoingMessage Notification(Recipient recipient, OutgoingKind kind = OutgoingKind.New) =>
        new(OutgoingMessage.NewId(), recipient, kind)
        {
            Province = "TO",
            Offices = [new OfficeSlots(WebhookPayloadTests.Torino, [new NotifiedSlot(new DateOnly(2027, 3, 4), new TimeOnly(9, 30), 2)])],
            PolledAt = new DateTimeOffset(2027, 3, 1, 6, 58, 12, TimeSpan.Zero),
            CreatedAt = new DateTimeOffset(2027, 3, 1, 6, 58, 13, TimeSpan.Zero),
        };

    private Task PublishAsync(OutgoingMessage message) => _host.Bus.PublishAsync(Queues.Targets, message, CancellationToken.None);

    [Fact]
    public async Task Posts_the_event_signed_with_its_name_and_delivery_id()
    {
        var message = Notification(new Recipient(RecipientKind.Webhook, "hooks"));

        await PublishAsync(message);
        var request = (await _receiver.WaitForAsync(r => r.Count == 1, TargetsTestHost.Timeout))[0];

        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook/private-path", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.Equal("slot.new", request.Header("X-PassportBot-Event"));
        Assert.Equal(message.Id, request.Header("X-PassportBot-Delivery"));
        Assert.True(WebhookSignature.Verify(Secret, request.Body, request.Header("X-PassportBot-Signature")), "signature must verify");
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("slot.new", json.RootElement.GetProperty("event").GetString());
        Assert.Equal("TOPQ60", json.RootElement.GetProperty("office").GetProperty("code").GetString());
        Assert.Equal("2027-03-04", json.RootElement.GetProperty("slots")[0].GetProperty("date").GetString());
    }

    [Fact]
    public async Task A_gone_notification_is_a_slot_gone_event()
    {
        await PublishAsync(Notification(new Recipient(RecipientKind.Webhook, "hooks"), OutgoingKind.Gone));

        var request = (await _receiver.WaitForAsync(r => r.Count == 1, TargetsTestHost.Timeout))[0];

        Assert.Equal("slot.gone", request.Header("X-PassportBot-Event"));
        using var json = JsonDocument.Parse(request.Body);
        Assert.Equal("slot.gone", json.RootElement.GetProperty("event").GetString());
    }

    [Fact]
    public async Task A_500_is_retried_with_the_same_delivery_id_and_a_valid_signature()
    {
        _receiver.Script(500);
        var message = Notification(new Recipient(RecipientKind.Webhook, "hooks"));

        await PublishAsync(message);
        var requests = await _receiver.WaitForAsync(r => r.Count == 2, TargetsTestHost.Timeout);

        Assert.All(requests, r => Assert.Equal(message.Id, r.Header("X-PassportBot-Delivery")));
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify(Secret, r.Body, r.Header("X-PassportBot-Signature"))));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Empty(await _host.DeadLetters.ListAsync(Queues.Targets.Name, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_dead_receiver_gets_every_attempt_then_the_event_is_dead_lettered_without_secrets()
    {
        _receiver.DefaultStatus = 503;
        var message = Notification(new Recipient(RecipientKind.Webhook, "hooks"));

        await PublishAsync(message);
        var dead = await WaitForDeadLetterAsync();

        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Equal(3, dead.Attempts);
        Assert.Contains(message.Id, dead.Body);
        Assert.Contains("HTTP 503", dead.Reason);
        Assert.DoesNotContain("private-path", dead.Reason);
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains(Secret) || l.Contains("private-path"));
    }

    [Fact]
    public async Task A_refusal_is_dead_lettered_at_once()
    {
        _receiver.DefaultStatus = 410;

        await PublishAsync(Notification(new Recipient(RecipientKind.Webhook, "hooks")));
        var dead = await WaitForDeadLetterAsync();

        Assert.Single(_receiver.Requests);
        Assert.Contains("HTTP 410", dead.Reason);
    }

    [Fact]
    public async Task A_receiver_that_never_answers_counts_as_a_transient_failure()
    {
        _receiver.Hold();

        await PublishAsync(Notification(new Recipient(RecipientKind.Webhook, "hooks")));
        var dead = await WaitForDeadLetterAsync();

        Assert.Equal(3, _receiver.Requests.Count);
        Assert.Contains("no answer within 2 s", dead.Reason);
    }

    [Fact]
    public async Task A_target_removed_from_the_configuration_is_dropped_without_a_request()
    {
        await PublishAsync(Notification(new Recipient(RecipientKind.Webhook, "gone-since")));
        await PublishAsync(Notification(new Recipient(RecipientKind.Webhook, "hooks")));

        await _receiver.WaitForAsync(r => r.Count == 1, TargetsTestHost.Timeout);
        await Eventually(() => _host.Logs.Lines.Any(l => l.Contains("'gone-since', which is not configured")));
        Assert.Single(_receiver.Requests);
        Assert.Empty(await _host.DeadLetters.ListAsync(Queues.Targets.Name, 10, CancellationToken.None));
    }

    private async Task<DeadLetter> WaitForDeadLetterAsync()
    {
        IReadOnlyList<DeadLetter> dead = [];
        await Eventually(() => (dead = _host.DeadLetters.ListAsync(Queues.Targets.Name, 10, CancellationToken.None).Result).Count > 0);
        return Assert.Single(dead);
    }

    internal static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + TargetsTestHost.Timeout;
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException("condition not met");
            await tick.WaitForNextTickAsync();
        }
    }
}

using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Targets;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>Webhook notifications arriving on the <c>message</c> queue are handed to their own queue and consumer:
/// a receiver that hangs never holds up Telegram sends.</summary>
public sealed class TargetRoutingTests
{
    [Fact]
    public async Task A_hanging_webhook_does_not_delay_telegram_and_still_gets_every_notification()
    {
        await using var receiver = await FakeHttpReceiver.StartAsync();
        receiver.Hold();
        await using var host = await TelegramTestHost.StartAsync((services, config) => services.AddDispatcher(config), new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:slow:Url"] = receiver.BaseUrl + "/hook",
            ["Notifications:Webhooks:slow:Secret"] = "test-secret",
            ["Notifications:Timeout"] = "00:01:00",
            ["Telegram:DispatcherConcurrency"] = "2",
        });
        var hooks = Enumerable.Range(0, 6).Select(_ => new OutgoingMessage(OutgoingMessage.NewId(), new Recipient(RecipientKind.Webhook, "slow"), OutgoingKind.New)
        {
            Province = "TO",
            Offices = [new OfficeSlots(new Office(1, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(8, 0)),
                [new NotifiedSlot(new DateOnly(2027, 3, 4), new TimeOnly(9, 30), 1)])],
        }).ToList();
        var dms = Enumerable.Range(1, 20).Select(i => new OutgoingMessage(OutgoingMessage.NewId(), 30_000 + i, $"dm {i}")).ToList();

        // The webhook notifications go first: were they sent in the dispatcher's lanes, they would block all of them.
        await host.Bus.PublishManyAsync(Queues.Message, hooks, CancellationToken.None);
        await host.Bus.PublishManyAsync(Queues.Message, dms, CancellationToken.None);

        // A webhook delivery hangs at the receiver, and meanwhile every direct message is sent.
        await receiver.WaitForAsync(r => r.Count >= 1, TelegramTestHost.Timeout);
        await host.Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage") && c.Succeeded) == 20, TelegramTestHost.Timeout);
        Assert.DoesNotContain(receiver.Requests, r => r.Header(WebhookSender.DeliveryHeader) is null);

        receiver.Release();
        var delivered = await receiver.WaitForAsync(r => r.Select(x => x.Header(WebhookSender.DeliveryHeader)).Distinct().Count() == 6, TelegramTestHost.Timeout);
        Assert.Equal(hooks.Select(h => h.Id).Order(), delivered.Select(r => r.Header(WebhookSender.DeliveryHeader)!).Distinct().Order());
    }
}

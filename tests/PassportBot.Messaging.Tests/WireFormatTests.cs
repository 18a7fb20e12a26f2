using System.Text;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging.Tests.Support;

namespace PassportBot.Messaging.Tests;

/// <summary>The JSON on the wire is a contract with other processes and versions: pinned here once, exactly.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void SubscriptionRequest_IsSnakeCaseWithOperationNames()
    {
        Assert.Equal("""{"chat_id":42,"province":"TO","operation":"INSERT","v":1,"language":"English"}""",
            MessageJson.SerializeToString(TestMessages.Subscription(42)));
        Assert.Equal("""{"chat_id":42,"operation":"REMOVE ALL","v":1}""",
            MessageJson.SerializeToString(new SubscriptionRequest(42, null, SubscriptionOperation.RemoveAll)));
    }

    [Fact]
    public void AvailabilityUpdate_IsSnakeCaseWithOperationNames()
    {
        Assert.Equal(
            """{"province":"TO","operation":"INSERT SCHEDULED","availability":[{"office":{"id":40,"code":"TOPQ60","name":"Questura di Torino","address":"Corso Vinzaglio 10","city":"Torino","province":"TO","bookable_from":"09:00:00","display_name":"TOPQ60 - Questura di Torino"},"first_date":"2026-12-01","slots":[{"key":{"office_id":40,"date":"2026-12-01","time":"17:00:00"},"places":3}]}],"polled_at":"2026-11-26T06:00:00+00:00","v":1,"poll_id":"poll-1","bookable_at":"2026-11-26T06:04:00+00:00","coverage":[{"office_id":40,"from":"2026-12-01","to":"2027-01-31"}]}""",
            // INSERT SCHEDULED is the version-1 vocabulary (a v2 poll is one SET INACTIVE): pin the v1 wire form,
            // which the handler still applies after an upgrade.
            MessageJson.SerializeToString(TestMessages.Availability() with { Version = 1 }));
    }

    [Fact]
    public void OutgoingMessage_v2_carries_facts_not_text()
    {
        var office = new Office(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0));
        var message = new OutgoingMessage("m000007", Recipient.Telegram(1000007), OutgoingKind.Scheduled)
        {
            Language = Language.English,
            Province = "TO",
            Offices = [new OfficeSlots(office, [new NotifiedSlot(new DateOnly(2026, 12, 1), new TimeOnly(17, 0), 3)])],
            BookableAt = TestMessages.PolledAt.AddMinutes(4),
            PollId = "poll-1",
            Silent = true,
            CreatedAt = TestMessages.PolledAt,
            PolledAt = TestMessages.PolledAt,
        };
        Assert.Equal(
            """{"id":"m000007","v":2,"recipient":{"kind":"Telegram","address":"1000007"},"kind":"Scheduled","created_at":"2026-11-26T06:00:00+00:00","polled_at":"2026-11-26T06:00:00+00:00","language":"English","province":"TO","offices":[{"office":{"id":40,"code":"TOPQ60","name":"Questura di Torino","address":"Corso Vinzaglio 10","city":"Torino","province":"TO","bookable_from":"09:00:00","display_name":"TOPQ60 - Questura di Torino"},"slots":[{"date":"2026-12-01","time":"17:00:00","places":3}]}],"bookable_at":"2026-11-26T06:04:00+00:00","poll_id":"poll-1","silent":true}""",
            MessageJson.SerializeToString(message));
        var back = MessageJson.Deserialize<OutgoingMessage>(MessageJson.SerializeToString(message));
        Assert.Equal(1000007, back.ChatId);
        Assert.False(back.IsPreRendered);
        Assert.Equal(message.Offices[0].Slots[0], back.Offices![0].Slots[0]);
        Assert.Equal(NotificationKind.Scheduled, back.ToNotification().Kind);
    }

    [Fact]
    public void OutgoingMessage_v1_left_in_a_queue_still_reads_as_pre_rendered_text()
    {
        // Exactly what version 1 wrote.
        var v1 = MessageJson.Deserialize<OutgoingMessage>(
            """{"id":"m000007","chat_id":1000007,"content":"\u003Cb\u003ENuova disponibilit\u00E0\u003C/b\u003E #7","v":1,"kind":"Availability","parse_mode":"HTML","created_at":"2026-11-26T06:00:00+00:00","polled_at":"2026-11-26T06:00:00+00:00"}""");
        Assert.Equal(TestMessages.Outgoing(7), v1);
        Assert.True(v1.IsPreRendered);
        Assert.Equal(1000007, v1.ChatId);
        Assert.Equal("<b>Nuova disponibilità</b> #7", v1.Content);

        var alert = MessageJson.Deserialize<OutgoingMessage>(
            """{"id":"a1","chat_id":5,"content":"Session expired","v":1,"kind":"Alert","parse_mode":null,"created_at":"2026-11-26T06:00:00+00:00"}""");
        Assert.Null(alert.ParseMode);
        Assert.Equal(OutgoingKind.Alert, alert.Kind);
    }

    [Fact]
    public void EveryContract_RoundTripsThroughTheWireFormat()
    {
        var availability = TestMessages.Availability();
        var back = MessageJson.Deserialize<AvailabilityUpdate>(MessageJson.Serialize(availability));
        Assert.Equal(MessageJson.SerializeToString(availability), MessageJson.SerializeToString(back));
        Assert.Equal(availability.Availability[0].Slots[0], back.Availability[0].Slots[0]);

        Assert.Equal(TestMessages.Outgoing(3), MessageJson.Deserialize<OutgoingMessage>(MessageJson.Serialize(TestMessages.Outgoing(3))));
        Assert.Equal(TestMessages.Subscription(5), MessageJson.Deserialize<SubscriptionRequest>(Encoding.UTF8.GetBytes(MessageJson.SerializeToString(TestMessages.Subscription(5)))));
    }
}

using System.Text;
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
            MessageJson.SerializeToString(TestMessages.Availability()));
    }

    [Fact]
    public void OutgoingMessage_IsSnakeCase()
    {
        Assert.Equal(
            """{"id":"m000007","chat_id":1000007,"content":"\u003Cb\u003ENuova disponibilit\u00E0\u003C/b\u003E #7","v":1,"kind":"Availability","parse_mode":"HTML","created_at":"2026-11-26T06:00:00+00:00","polled_at":"2026-11-26T06:00:00+00:00"}""",
            MessageJson.SerializeToString(TestMessages.Outgoing(7)));
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

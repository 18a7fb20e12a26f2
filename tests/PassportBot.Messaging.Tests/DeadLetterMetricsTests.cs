using System.Text;

namespace PassportBot.Messaging.Tests;

/// <summary>The target kind a dead letter is counted under, read from its body as every transport stores it.</summary>
public sealed class DeadLetterMetricsTests
{
    [Theory]
    [InlineData(RecipientKind.Telegram, "42", "message", "telegram")]
    [InlineData(RecipientKind.Webhook, "hooks", "targets", "webhook")]
    [InlineData(RecipientKind.Ntfy, "phone", "targets", "ntfy")]
    [InlineData(RecipientKind.Webhook, "hooks", "message", "webhook")]
    public void A_notification_is_counted_under_its_recipient_kind(RecipientKind kind, string address, string queue, string expected)
    {
        var body = MessageJson.Serialize(new OutgoingMessage("m1", new Recipient(kind, address), OutgoingKind.New));
        Assert.Equal(expected, DeadLetterMetrics.TargetKindOf(queue, body));
    }

    [Fact]
    public void A_v1_message_is_Telegram_and_an_unreadable_one_is_unknown()
    {
        Assert.Equal("telegram", DeadLetterMetrics.TargetKindOf("message", MessageJson.Serialize(new OutgoingMessage("m1", -100123, "<b>hi</b>"))));
        Assert.Equal("telegram", DeadLetterMetrics.TargetKindOf("message", Encoding.UTF8.GetBytes("""{"v":1,"id":"a","chat_id":7,"content":"x","kind":"Availability"}""")));
        Assert.Equal(DeadLetterMetrics.Unknown, DeadLetterMetrics.TargetKindOf("message", Encoding.UTF8.GetBytes("{not json")));
        Assert.Equal(DeadLetterMetrics.Unknown, DeadLetterMetrics.TargetKindOf("targets", Encoding.UTF8.GetBytes("""{"id":"a","kind":"New"}""")));
    }

    [Theory]
    [InlineData("new_user")]
    [InlineData("new_availabilities")]
    public void Queues_without_notifications_carry_no_target_kind(string queue) =>
        Assert.Null(DeadLetterMetrics.TargetKindOf(queue, Encoding.UTF8.GetBytes("""{"recipient":{"kind":"Webhook","address":"x"}}""")));
}

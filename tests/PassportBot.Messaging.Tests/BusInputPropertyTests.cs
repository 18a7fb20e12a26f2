using System.Text;
using System.Text.Json;
using CsCheck;
using PassportBot.Domain;
using PassportBot.Messaging.RabbitMq;
using RabbitMQ.Client;

namespace PassportBot.Messaging.Tests;

/// <summary>Whatever sits in a queue — a body written by an older or newer version, by hand with
/// <c>rabbitmqadmin</c>, or by an attacker with broker access — reading it never crashes a consumer: a body either
/// becomes a message or is rejected as malformed (dead-lettered at once), and headers never steer the retry
/// policy out of its bounds. Thousands of generated cases per property; failures found are kept as plain tests.</summary>
public sealed class BusInputPropertyTests
{
    private const int Cases = 4_000;

    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char["0123456789-:TZ+. "], 0, 30],
        Gen.OneOf("", "INSERT", "SET INACTIVE", "REMOVE ALL", "New", "Gone", "Summary", "Telegram", "Webhook", "Italian", "English",
            "2026-12-19", "17:00", "2026-12-01T09:00:00Z", "TO", "TOPQ60", "<b>", "null"));

    private static readonly Gen<string> Scalar = Gen.OneOf(
        AnyText.Select(s => JsonSerializer.Serialize(s)),
        Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("null", "true", "false", "0", "-1", "2", "1e400", "9223372036854775808", "[]", "{}", "\"\""));

    private static readonly Gen<string> FieldName = Gen.OneOf(
        "v", "id", "recipient", "kind", "address", "chat_id", "content", "parse_mode", "language", "province", "offices", "office",
        "slots", "date", "time", "places", "bookable_at", "poll_id", "silent", "text", "created_at", "polled_at", "traceparent",
        "operation", "availability", "coverage", "offers", "office_id", "code", "name", "city", "bookable_from", "from", "to");

    /// <summary>A JSON value of any shape up to three levels deep, biased towards the shapes the contracts use.</summary>
    private static readonly Gen<string> Value = Nest(Nest(Nest(Scalar)));

    private static Gen<string> Nest(Gen<string> inner) => Gen.OneOf(
        Scalar,
        inner.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]"),
        Gen.Select(Gen.OneOf(FieldName, AnyText).Array[0, 4], inner.Array[4], (names, values) =>
            "{" + string.Join(",", names.Distinct().Select((n, i) => JsonSerializer.Serialize(n) + ":" + values[i])) + "}"));

    /// <summary>An object with the contracts' field names and values of any shape.</summary>
    private static readonly Gen<string> NearContract = Gen.Select(FieldName.Array[0, 12], Value.Array[12], (names, values) =>
        "{" + string.Join(",", names.Distinct().Select((n, i) => JsonSerializer.Serialize(n) + ":" + values[i])) + "}");

    private static readonly Gen<byte[]> Body = Gen.OneOf(
        NearContract.Select(Encoding.UTF8.GetBytes),
        Value.Select(Encoding.UTF8.GetBytes),
        Gen.Byte.Array[0, 64]);

    [Fact]
    public void A_body_becomes_a_message_or_a_json_error_and_a_v2_message_renders_or_is_rejected_as_poison()
    {
        Body.Sample(body =>
        {
            Accepts<SubscriptionRequest>(body);
            Accepts<AvailabilityUpdate>(body);
            if (Accepts<OutgoingMessage>(body) is { } message) RendersOrIsPoison(message);
        }, iter: Cases);
    }

    [Fact]
    public void A_notification_with_holes_is_rejected_as_poison_rather_than_crashing_the_renderer()
    {
        foreach (var json in new[]
        {
            """{"v":2,"id":"a","recipient":{"kind":"Telegram","address":"1"},"kind":"New","offices":[null]}""",
            """{"v":2,"id":"a","recipient":{"kind":"Telegram","address":"1"},"kind":"New","offices":[{"office":null,"slots":[]}]}""",
            """{"v":2,"id":"a","recipient":{"kind":"Telegram","address":"1"},"kind":"Gone","offices":[{"office":{"id":1,"code":"X","name":"Y","address":"","city":"","province":"TO","bookable_from":"09:00:00"},"slots":null}]}""",
            """{"v":2,"id":"a","recipient":{"kind":"Telegram","address":"1"},"kind":"Summary","province":"TO","offices":[{"office":{"id":1,"code":"X","name":"Y","address":"","city":"","province":"TO","bookable_from":"09:00:00"},"slots":[null]}]}""",
            """{"v":2,"id":"a","recipient":{"kind":"Telegram","address":"1"},"kind":"New","offices":[{"office":{"id":1,"code":null,"name":null,"address":null,"city":null,"province":null,"bookable_from":"09:00:00"},"slots":[]}]}""",
        })
        {
            var message = MessageJson.Deserialize<OutgoingMessage>(json);
            RendersOrIsPoison(message);
        }
    }

    [Fact]
    public void Attempt_headers_of_any_type_and_value_read_as_a_count_between_zero_and_int_max()
    {
        var header = Gen.OneOf<object?>(
            Gen.Int.Select(i => (object?)i),
            Gen.Long.Select(l => (object?)l),
            Gen.Short.Select(s => (object?)s),
            Gen.Byte.Select(b => (object?)b),
            Gen.Double.Select(d => (object?)d),
            Gen.Bool.Select(b => (object?)b),
            AnyText.Select(s => (object?)s),
            AnyText.Select(s => (object?)Encoding.UTF8.GetBytes(s)),
            Gen.Byte.Array[0, 16].Select(b => (object?)b),
            Gen.Const(default(object)),
            Gen.Const<object?>(new List<object?> { 1, "2" }),
            Gen.Const<object?>(new Dictionary<string, object?> { ["a"] = 1 }),
            Gen.Const<object?>(new AmqpTimestamp(1)));
        header.Sample(value =>
        {
            var properties = new BasicProperties
            {
                Headers = new Dictionary<string, object?>
                {
                    [MessageHeaders.Attempts] = value,
                    [MessageHeaders.TraceParent] = value,
                    [MessageHeaders.DeadAt] = value,
                },
            };
            var attempts = MessageHeaders.FailedAttempts(properties);
            Assert.InRange(attempts, 0, int.MaxValue);
            _ = MessageHeaders.ReadString(properties, MessageHeaders.TraceParent);
            _ = MessageHeaders.ReadTimestamp(properties, MessageHeaders.DeadAt);
        }, iter: Cases);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void A_negative_attempt_count_does_not_buy_a_message_extra_retries(int tampered)
    {
        var properties = new BasicProperties { Headers = new Dictionary<string, object?> { [MessageHeaders.Attempts] = tampered } };
        Assert.Equal(0, MessageHeaders.FailedAttempts(properties));
    }

    private static T? Accepts<T>(byte[] body) where T : class
    {
        try
        {
            return MessageJson.Deserialize<T>(body);
        }
        catch (JsonException)
        {
            return null; // malformed: the consumers dead-letter it at once
        }
    }

    private static void RendersOrIsPoison(OutgoingMessage message)
    {
        if (message.IsPreRendered) return;
        try
        {
            var notification = message.ToNotification();
            var rendered = AvailabilityFormatter.Render(notification);
            Assert.NotNull(rendered.Text);
        }
        catch (PoisonMessageException)
        {
        }
    }
}

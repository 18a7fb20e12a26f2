using System.Text;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;

namespace PassportBot.Targets.Tests;

public sealed class WebhookPayloadTests
{
    internal static readonly Office Torino = new(1234, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10, Torino", "Torino", "TO", new TimeOnly(8, 0));

    [Fact]
    public void The_body_is_pinned_field_by_field()
    {
        var e = new TargetEvent("abc123", TargetEventKind.New, "TO", Torino,
            [new NotifiedSlot(new DateOnly(2027, 3, 4), new TimeOnly(9, 30), 2), new NotifiedSlot(new DateOnly(2027, 3, 5), new TimeOnly(14, 5), 1)],
            new DateTimeOffset(2027, 3, 1, 8, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2027, 3, 1, 6, 58, 12, TimeSpan.Zero));

        var json = Encoding.UTF8.GetString(WebhookPayload.Serialize(e));

        Assert.Equal(
            """{"event":"slot.new","province":"TO","office":{"id":1234,"code":"TOPQ60","name":"Questura di Torino","address":"Corso Vinzaglio 10, Torino"},"slots":[{"date":"2027-03-04","time":"09:30","places":2},{"date":"2027-03-05","time":"14:05","places":1}],"bookable_at":"2027-03-01T07:00:00Z","first_seen":"2027-03-01T06:58:12Z","booking_url":"https://passaportonline.poliziadistato.it/"}""",
            json);
    }

    [Fact]
    public void A_gone_event_without_times_writes_nulls()
    {
        var e = new TargetEvent("x", TargetEventKind.Gone, "FC", Torino with { Name = "Questura di Forlì" }, [new NotifiedSlot(new DateOnly(2027, 3, 4), new TimeOnly(9, 30), 0)], null, null);

        var json = Encoding.UTF8.GetString(WebhookPayload.Serialize(e));

        Assert.StartsWith("""{"event":"slot.gone",""", json);
        Assert.Contains("\"name\":\"Questura di Forlì\"", json);
        Assert.Contains("""
            "bookable_at":null,"first_seen":null
            """, json);
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_sha256_of_the_body_rfc4231_case_2()
    {
        var signature = WebhookSignature.Sign("Jefe", "what do ya want for nothing?"u8);

        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
        Assert.True(WebhookSignature.Verify("Jefe", "what do ya want for nothing?"u8, signature));
        Assert.False(WebhookSignature.Verify("Jefe", "what do ya want for nothing!"u8, signature));
        Assert.False(WebhookSignature.Verify("jefe", "what do ya want for nothing?"u8, signature));
    }
}

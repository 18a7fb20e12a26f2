using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using PassportBot.Domain;

namespace PassportBot.Targets;

/// <summary>The JSON body POSTed to webhooks (written field by field so the wire format is fixed, whatever the
/// serializer defaults are): <c>{"event", "province", "office": {"id", "code", "name", "address"},
/// "slots": [{"date", "time", "places"}], "bookable_at", "first_seen", "booking_url"}</c>.</summary>
public static class WebhookPayload
{
    // The body is UTF-8 JSON for machines, never embedded in HTML: accented office names stay readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(TargetEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("event", e.EventName);
            json.WriteString("province", e.Province);
            json.WriteStartObject("office");
            json.WriteNumber("id", e.Office.Id);
            json.WriteString("code", e.Office.Code);
            json.WriteString("name", e.Office.Name);
            json.WriteString("address", e.Office.Address);
            json.WriteEndObject();
            json.WriteStartArray("slots");
            foreach (var slot in e.Slots)
            {
                json.WriteStartObject();
                json.WriteString("date", slot.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteString("time", slot.Time.ToString("HH:mm", CultureInfo.InvariantCulture));
                json.WriteNumber("places", slot.Places);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteTime(json, "bookable_at", e.BookableAt);
            WriteTime(json, "first_seen", e.FirstSeen);
            json.WriteString("booking_url", AvailabilityFormatter.BookingUrl);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } at) json.WriteString(name, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }
}

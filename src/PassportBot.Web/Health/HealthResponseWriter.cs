using System.Collections;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PassportBot.Web.Health;

/// <summary>Writes <c>{"status":…,"components":{"name":{"status","description","data"}}}</c>.</summary>
internal static class HealthResponseWriter
{
    // Checks are written by other components; the public report must not become a way to leak their secrets.
    private static readonly string[] SecretMarkers = ["token", "cookie", "csrf", "password", "secret", "connectionstring", "apikey"];

    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("components");
        foreach (var (name, entry) in report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            // A check that threw gets its exception's message as description, and messages can quote
            // connection strings or tokens: name the failure instead.
            var description = entry.Exception is { } error ? $"Check failed ({error.GetType().Name})." : entry.Description;
            if (description is null) json.WriteNull("description");
            else json.WriteString("description", description);
            json.WriteStartObject("data");
            foreach (var (key, value) in entry.Data.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                json.WritePropertyName(key);
                if (IsSecret(key)) json.WriteStringValue("[redacted]");
                else if (IsError(key)) WriteReason(json, value);
                else WriteValue(json, value, depth: 0);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>Error texts are written by other components for their logs: they name hosts, paths, office ids,
    /// sometimes a server's own words. The public report gives a short classified reason instead.</summary>
    internal static bool IsError(string key) => key.Contains("error", StringComparison.OrdinalIgnoreCase) || key.Contains("exception", StringComparison.OrdinalIgnoreCase);

    private static void WriteReason(Utf8JsonWriter json, object? value)
    {
        if (value is null) json.WriteNullValue();
        else json.WriteStringValue(ErrorReason(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""));
    }

    /// <summary>A few words saying what kind of failure <paramref name="text"/> reports, never the text itself.</summary>
    internal static string ErrorReason(string text)
    {
        if (text.Length == 0) return "none";
        if (Has(text, "session") && Has(text, "expired")) return "agenda session expired";
        if (Has(text, "larger than")) return "agenda answer too large";
        if (Has(text, "timed out") || Has(text, "timeout")) return "timeout";
        if (Has(text, "HTML page") || Has(text, "Malformed JSON") || Has(text, "Empty JSON") || Has(text, "Undecodable")) return "unexpected answer from the agenda site";
        if (Has(text, "HTTP 4") || Has(text, "HTTP 5") || Has(text, "redirect")) return "agenda site error";
        if (Has(text, "Connection") || Has(text, "unreachable") || Has(text, "cut off") || Has(text, "Socket")) return "connection failed";
        if (Has(text, "partial scan") || Has(text, "unavailable")) return "agenda site unavailable";
        if (Has(text, "database") || Has(text, "Sqlite") || Has(text, "MySql") || Has(text, "Npgsql")) return "database error";
        if (Has(text, "broker") || Has(text, "RabbitMQ") || Has(text, "AMQP")) return "message broker error";
        return "failed (see the logs)";
    }

    private static bool Has(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    internal static bool IsSecret(string key)
    {
        var folded = key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return SecretMarkers.Any(m => folded.Contains(m, StringComparison.OrdinalIgnoreCase));
    }

    private static void WriteValue(Utf8JsonWriter json, object? value, int depth)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue(s); break;
            case bool b: json.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): json.WriteNumberValue(f); break;
            case decimal m: json.WriteNumberValue(m); break;
            case DateTimeOffset dto: json.WriteStringValue(Api.ApiFormat.Instant(dto)); break;
            case DateTime dt: json.WriteStringValue(Api.ApiFormat.Instant(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt))); break;
            case TimeSpan ts: json.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case Enum e: json.WriteStringValue(e.ToString()); break;
            case IDictionary map when depth < 2:
                json.WriteStartObject();
                foreach (DictionaryEntry item in map)
                {
                    var key = Convert.ToString(item.Key, CultureInfo.InvariantCulture) ?? string.Empty;
                    json.WritePropertyName(key);
                    if (IsSecret(key)) json.WriteStringValue("[redacted]");
                    else WriteValue(json, item.Value, depth + 1);
                }
                json.WriteEndObject();
                break;
            case IEnumerable list when depth < 2:
                json.WriteStartArray();
                foreach (var item in list) WriteValue(json, item, depth + 1);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}

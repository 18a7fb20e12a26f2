using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace PassportBot.Testing;

/// <summary>Reads Bot API parameters the three ways Telegram accepts them: query string,
/// application/x-www-form-urlencoded or multipart/form-data, and application/json.</summary>
internal static class RequestArguments
{
    // Parameters that carry JSON-serialized objects when sent as form fields.
    private static readonly HashSet<string> JsonFields = new(StringComparer.Ordinal)
    {
        "reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities", "reply_parameters",
    };

    public static async Task<JsonObject> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var args = new JsonObject();
        foreach (var (key, value) in request.Query) args[key] = FieldValue(key, value.ToString());

        if (request.HasJsonContentType())
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (body is not JsonObject obj) throw new JsonException("The body is not a JSON object.");
            foreach (var (key, value) in obj) args[key] = value?.DeepClone();
        }
        else if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, value) in form) args[key] = FieldValue(key, value.ToString());
        }
        return args;
    }

    private static JsonNode? FieldValue(string key, string value)
    {
        if (!JsonFields.Contains(key)) return JsonValue.Create(value);
        return JsonNode.Parse(value);
    }

    public static long? Long(JsonObject args, string name) => args[name] switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<string>(out var s) && long.TryParse(s, out var l) => l,
        _ => null,
    };

    public static string? String(JsonObject args, string name) => args[name] switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static bool Bool(JsonObject args, string name) => args[name] switch
    {
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Equals("true", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}

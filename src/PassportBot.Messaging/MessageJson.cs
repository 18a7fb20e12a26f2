using System.Text.Json;
using System.Text.Json.Serialization;

namespace PassportBot.Messaging;

/// <summary>The one JSON shape used on every transport (and in the outbox).</summary>
public static class MessageJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static byte[] Serialize<T>(T message) => JsonSerializer.SerializeToUtf8Bytes(message, Options);

    public static string SerializeToString<T>(T message) => JsonSerializer.Serialize(message, Options);

    /// <summary>Throws <see cref="JsonException"/> for malformed input or a null document.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize<T>(body, Options) ?? throw new JsonException($"Empty {typeof(T).Name} message.");

    public static T Deserialize<T>(string body) =>
        JsonSerializer.Deserialize<T>(body, Options) ?? throw new JsonException($"Empty {typeof(T).Name} message.");

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        o.Converters.Add(new JsonStringEnumConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}

using System.Text.Json.Nodes;

namespace PassportBot.Testing;

/// <summary>One request the fake Bot API server received, with the status it answered.</summary>
/// <param name="Method">Bot API method as sent (e.g. "sendMessage").</param>
/// <param name="ReplyMarkupJson">The reply_markup object as compact JSON, or null.</param>
/// <param name="StatusCode">HTTP status answered; 0 for a call left hanging.</param>
/// <param name="Arguments">Every parameter of the request, whatever its encoding (JSON, form, query).</param>
public sealed record BotApiCall(
    string Method,
    long? ChatId,
    string? Text,
    string? ParseMode,
    string? ReplyMarkupJson,
    int? MessageId,
    JsonObject Arguments,
    DateTimeOffset At,
    int StatusCode)
{
    /// <summary>message_id of the Message the call returned (sendMessage, editMessageText), if any.</summary>
    public int? ResultMessageId { get; init; }

    public bool Succeeded => StatusCode == 200;

    public bool Is(string method) => string.Equals(Method, method, StringComparison.OrdinalIgnoreCase);

    public string? Argument(string name) => Arguments[name] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var node => node.ToJsonString(),
    };
}

/// <summary>Limits the fake enforces; null disables a limit.</summary>
public sealed record FakeBotApiLimits
{
    /// <summary>sendMessage calls accepted in any sliding one-second window (Telegram: about 30).</summary>
    public int? GlobalMessagesPerSecond { get; init; }

    /// <summary>Minimum spacing between accepted messages to one chat (Telegram: about 1 s).</summary>
    public TimeSpan? PerChatInterval { get; init; }

    /// <summary>Messages accepted per group (negative chat id) in any sliding minute (Telegram: 20).</summary>
    public int? GroupMessagesPerMinute { get; init; }

    /// <summary>retry_after, in whole seconds, that a 429 carries.</summary>
    public int RetryAfterSeconds { get; init; } = 1;
}

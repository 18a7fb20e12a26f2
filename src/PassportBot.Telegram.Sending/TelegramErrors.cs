using Telegram.Bot.Exceptions;

namespace PassportBot.Telegram.Sending;

/// <summary>Maps what the Telegram.Bot client throws onto <see cref="SendResult"/>.</summary>
public static class TelegramErrors
{
    // 400 descriptions that mean the chat itself is gone, like a 403.
    private static readonly string[] GoneChatDescriptions =
    [
        "chat not found", "user is deactivated", "bot was kicked", "bot was blocked", "peer_id_invalid",
        "user not found", "have no rights to send", "not enough rights to send text",
    ];

    /// <summary>Null when <paramref name="exception"/> is the caller's own cancellation (let it propagate).</summary>
    public static SendResult? Classify(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        ApiRequestException api => FromApi(api),
        // RequestException without an API envelope: network failure, timeout, unreadable response.
        RequestException request => new SendResult.Transient(Describe(request)),
        HttpRequestException http => new SendResult.Transient($"Network error: {http.Message}"),
        OperationCanceledException => new SendResult.Transient("Request timed out."),
        _ => null,
    };

    private static SendResult FromApi(ApiRequestException e)
    {
        var description = e.Message;
        return e.ErrorCode switch
        {
            429 => new SendResult.RetryAfter(TimeSpan.FromSeconds(Math.Max(1, e.Parameters?.RetryAfter ?? 1))),
            403 => new SendResult.ChatUnavailable(description),
            400 when GoneChatDescriptions.Any(d => description.Contains(d, StringComparison.OrdinalIgnoreCase)) =>
                new SendResult.ChatUnavailable(description),
            400 => new SendResult.BadRequest(description),
            // Token revoked or wrong, or a wrong base URL: not the message's fault.
            401 or 404 => new SendResult.Unauthorized($"{e.ErrorCode}: {description}"),
            // 5xx and anything else: the same request may go through later.
            _ => new SendResult.Transient($"{e.ErrorCode}: {description}"),
        };
    }

    private static string Describe(RequestException e) =>
        e.InnerException switch
        {
            OperationCanceledException => "Request timed out.",
            HttpRequestException http => $"Network error: {http.Message}",
            _ => e.HttpStatusCode is { } status ? $"HTTP {(int)status}: {e.Message}" : e.Message,
        };
}

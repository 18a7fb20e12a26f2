using PassportBot.Telegram.Sending;

namespace PassportBot.Watch.Push;

/// <summary>Sends to the watch's one chat through the same <see cref="TelegramSender"/> and
/// <see cref="SendRateLimiter"/> as the bot's dispatcher (client, error classification, per-chat spacing, the pause
/// a 429 sets), without the bot's storage or bus. Errors never carry the token.</summary>
public sealed class BotApiChatSender : IChatSender
{
    private readonly RateLimitedSender sender;
    private readonly long chatId;

    public BotApiChatSender(string token, string apiBaseUrl, long chatId, HttpClient http, SendRateLimiter limiter)
    {
        sender = new RateLimitedSender(TelegramSender.Create(token, apiBaseUrl, http), limiter);
        this.chatId = chatId;
    }

    /// <summary>The watch's limits: one chat, so no global rate; Telegram's spacing for a private chat
    /// (<paramref name="perChatInterval"/>) or a group (20 messages a minute).</summary>
    public static SendRateLimits Limits(TimeSpan perChatInterval) =>
        SendRateLimits.For(messagesPerSecond: null, perChatInterval, groupMessagesPerMinute: PassportBot.Telegram.TelegramOptions.DefaultGroupMessagesPerMinute);

    public async Task<ChatSendResult> SendHtmlAsync(string html, CancellationToken cancellationToken) =>
        await sender.SendAsync(chatId, html, html: true, silent: false, cancellationToken).ConfigureAwait(false) switch
        {
            SendResult.Sent => new ChatSendResult.Sent(),
            SendResult.RetryAfter retry => new ChatSendResult.RetryAfter(retry.Delay),
            SendResult.Transient transient => new ChatSendResult.Transient($"Telegram unreachable or failing: {transient.Description}"),
            SendResult.Unauthorized unauthorized =>
                new ChatSendResult.Rejected($"Telegram refused the bot token ({unauthorized.Description}): check --telegram-token."),
            SendResult.ChatUnavailable gone => new ChatSendResult.Rejected($"The chat cannot be written to: {gone.Reason}"),
            SendResult.BadRequest bad => new ChatSendResult.Rejected($"Telegram refused the message: {bad.Description}"),
            var other => new ChatSendResult.Rejected($"Telegram: {other}"),
        };
}

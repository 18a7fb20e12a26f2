namespace PassportBot.Telegram.Sending;

/// <summary>A <see cref="TelegramSender"/> behind a <see cref="SendRateLimiter"/>, as the dispatcher uses the pair:
/// each send waits for the limiter, and a 429 pauses the limiter (every later send, not just a retry of this one)
/// for the retry_after Telegram gave. For senders without the dispatcher's queue, such as <c>watch</c>.</summary>
public sealed class RateLimitedSender(TelegramSender sender, SendRateLimiter limiter)
{
    public SendRateLimiter Limiter => limiter;

    /// <summary>Waits for the limiter, then sends as <see cref="TelegramSender.SendAsync"/> does.</summary>
    public async Task<SendResult> SendAsync(long chatId, string text, bool html, bool silent, CancellationToken cancellationToken)
    {
        await limiter.WaitAsync(chatId, cancellationToken).ConfigureAwait(false);
        var result = await sender.SendAsync(chatId, text, html, silent, cancellationToken).ConfigureAwait(false);
        if (result is SendResult.RetryAfter retry) limiter.Pause(retry.Delay);
        return result;
    }
}

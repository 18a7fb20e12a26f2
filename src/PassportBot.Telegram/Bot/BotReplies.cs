using Microsoft.Extensions.Logging;
using PassportBot.Telegram.Sending;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace PassportBot.Telegram.Bot;

/// <summary>Interactive answers, sent straight away with the client (not through the queue). A 429 is
/// waited out; other failures are logged and reported as false, since a lost reply must not stop the bot.</summary>
public sealed partial class BotReplies(ITelegramBotClient client, TimeProvider time, ILogger<BotReplies> logger)
{
    private const int MaxAttempts = 3;
    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };

    public Task<bool> SendAsync(long chatId, string html, InlineKeyboardMarkup? keyboard, CancellationToken cancellationToken) =>
        RunAsync("sendMessage", chatId, ct => client.SendMessage(
            chatId, html, ParseMode.Html, replyMarkup: keyboard, linkPreviewOptions: NoPreview, cancellationToken: ct), cancellationToken);

    /// <summary>Replaces a menu message in place; sends a new one when it can no longer be edited.</summary>
    public async Task<bool> EditOrSendAsync(long chatId, int messageId, string html, InlineKeyboardMarkup? keyboard, CancellationToken cancellationToken)
    {
        var edited = await RunAsync("editMessageText", chatId, ct => client.EditMessageText(
            chatId, messageId, html, ParseMode.Html, replyMarkup: keyboard, linkPreviewOptions: NoPreview, cancellationToken: ct), cancellationToken,
            tolerate: d => d.Contains("message is not modified", StringComparison.OrdinalIgnoreCase));
        return edited || await SendAsync(chatId, html, keyboard, cancellationToken);
    }

    public Task<bool> AnswerCallbackAsync(string callbackQueryId, string? text, CancellationToken cancellationToken) =>
        RunAsync("answerCallbackQuery", null, ct => client.AnswerCallbackQuery(callbackQueryId, text, cancellationToken: ct), cancellationToken);

    public Task<bool> DeleteAsync(long chatId, int messageId, CancellationToken cancellationToken) =>
        RunAsync("deleteMessage", chatId, ct => client.DeleteMessage(chatId, messageId, ct), cancellationToken);

    private async Task<bool> RunAsync(string method, long? chatId, Func<CancellationToken, Task> call, CancellationToken cancellationToken,
        Func<string, bool>? tolerate = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            SendResult? failure;
            try
            {
                await call(cancellationToken);
                return true;
            }
            catch (Exception e) when ((failure = TelegramErrors.Classify(e, cancellationToken)) is not null)
            {
                if (failure is SendResult.BadRequest bad && tolerate?.Invoke(bad.Description) == true) return true;
                if (failure is SendResult.RetryAfter retry && attempt < MaxAttempts)
                {
                    LogWaiting(method, retry.Delay.TotalSeconds);
                    await Task.Delay(retry.Delay, time, cancellationToken);
                    continue;
                }
                LogFailed(method, chatId, failure.ToString());
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram asked to slow down on {Method}; waiting {Seconds} s")]
    private partial void LogWaiting(string method, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bot reply {Method} to chat {ChatId} failed: {Failure}")]
    private partial void LogFailed(string method, long? chatId, string failure);
}

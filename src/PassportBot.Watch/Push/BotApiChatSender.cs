using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace PassportBot.Watch.Push;

/// <summary>Sends through the real Bot API with the Telegram.Bot client. Kept here rather than reusing the bot's
/// notifier so that the standalone watch needs neither storage nor the bus. Errors never carry the token.</summary>
public sealed class BotApiChatSender : IChatSender
{
    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };
    private readonly TelegramBotClient client;
    private readonly long chatId;
    private readonly string token;

    public BotApiChatSender(string token, string apiBaseUrl, long chatId, HttpClient http)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        this.token = token;
        this.chatId = chatId;
        // 429s are handled by the caller, which waits retry_after before anything else goes out.
        client = new TelegramBotClient(new TelegramBotClientOptions(token, apiBaseUrl) { RetryCount = 0 }, http);
    }

    public async Task<ChatSendResult> SendHtmlAsync(string html, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendMessage(chatId, html, parseMode: ParseMode.Html, linkPreviewOptions: NoPreview, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return new ChatSendResult.Sent();
        }
        catch (ApiRequestException e)
        {
            var description = Scrub(e.Message);
            return e.ErrorCode switch
            {
                429 => new ChatSendResult.RetryAfter(TimeSpan.FromSeconds(Math.Max(1, e.Parameters?.RetryAfter ?? 1))),
                >= 500 => new ChatSendResult.Transient($"Telegram answered {e.ErrorCode}: {description}"),
                401 => new ChatSendResult.Rejected("Telegram refused the bot token (401): check --telegram-token."),
                _ => new ChatSendResult.Rejected($"Telegram refused the message ({e.ErrorCode}): {description}"),
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is RequestException or HttpRequestException or OperationCanceledException)
        {
            var inner = e is RequestException { InnerException: { } i } ? i : e;
            var description = inner is OperationCanceledException ? "the request timed out" : Scrub(inner.Message);
            return new ChatSendResult.Transient($"Telegram unreachable: {description}");
        }
    }

    private string Scrub(string message) => message.Replace(token, "***", StringComparison.Ordinal);
}

using System.Text.Json;
using Telegram.Bot;
using Telegram.Bot.Requests;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace PassportBot.Telegram.Sending;

/// <summary>The one way a message goes out through the Bot API, for the dispatcher and for <c>watch</c>: the
/// Telegram.Bot client without its own retries (a 429 is the caller's to honour for every send, not just this
/// one), link previews off, and every failure classified by <see cref="TelegramErrors"/> into a
/// <see cref="SendResult"/>. Never throws for API outcomes; only the caller's cancellation propagates. Error
/// descriptions never carry the token.</summary>
public sealed class TelegramSender
{
    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };
    private readonly ITelegramBotClient _client;
    private readonly bool _paidBroadcast;
    private readonly string? _token;

    public TelegramSender(ITelegramBotClient client, bool paidBroadcast = false, string? token = null)
    {
        _client = client;
        _paidBroadcast = paidBroadcast;
        _token = string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>A sender on its own client. <paramref name="http"/> must log no requests: the token is in every URL.</summary>
    public static TelegramSender Create(string token, string apiBaseUrl, HttpClient http, bool paidBroadcast = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return new TelegramSender(CreateClient(token, apiBaseUrl, http), paidBroadcast, token);
    }

    /// <summary>The client as every part of the system configures it.</summary>
    public static TelegramBotClient CreateClient(string token, string apiBaseUrl, HttpClient http) =>
        // 429s are ours to handle: the caller pauses everything, not just one request.
        new(new TelegramBotClientOptions(token, apiBaseUrl) { RetryCount = 0 }, http);

    /// <summary>Sends <paramref name="text"/> (Telegram HTML when <paramref name="html"/>) to <paramref name="chat"/>,
    /// without a sound when <paramref name="silent"/>.</summary>
    public async Task<SendResult> SendAsync(ChatId chat, string text, bool html, bool silent, CancellationToken cancellationToken)
    {
        try
        {
            var sent = await _client.SendMessage(
                chat,
                text,
                parseMode: html ? ParseMode.Html : default,
                linkPreviewOptions: NoPreview,
                disableNotification: silent,
                allowPaidBroadcast: _paidBroadcast,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return new SendResult.Sent(sent.Id);
        }
        catch (Exception e) when (TelegramErrors.Classify(e, cancellationToken) is { } result)
        {
            return Scrub(result);
        }
    }

    /// <summary>Builds the client's JSON metadata for a sendMessage request and its answer, without sending anything.
    /// The answer is a whole <see cref="Message"/> graph (a hundred-odd types); built on the first real send, it held
    /// every send of a fresh process behind one lock for up to a second, during the first fan-out after a start.</summary>
    public static void PrepareSerialization()
    {
        var request = new SendMessageRequest { ChatId = 1, Text = "-", ParseMode = ParseMode.Html, LinkPreviewOptions = NoPreview };
        JsonSerializer.Serialize(request, JsonBotAPI.Options);
        JsonSerializer.Deserialize<ApiResponse<Message>>(SampleAnswer, JsonBotAPI.Options);
    }

    /// <summary>Sends one message through a client of its own whose HTTP handler answers in memory: the whole
    /// request path of a send (the request's JSON content, the answer's parsing, the outcome) runs once and is
    /// compiled, and nothing leaves the process. <see cref="PrepareSerialization"/> alone leaves the content and
    /// stream code of the first real send to compile while the first fan-out waits for it. <paramref name="token"/>
    /// is the bot's own (the client needs one); it only travels in the in-memory request.</summary>
    public static async Task<SendResult> RehearseSendAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        using var http = new HttpClient(new AnswerInMemory());
        var sender = new TelegramSender(CreateClient(token, "http://127.0.0.1", http), token: token);
        return await sender.SendAsync(1, "<b>-</b>", html: true, silent: false, cancellationToken).ConfigureAwait(false);
    }

    private sealed class AnswerInMemory : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read as a socket would, so the request's JSON is written.
            if (request.Content is { } content) await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(SampleAnswer, System.Text.Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
    }

    private const string SampleAnswer =
        """{"ok":true,"result":{"message_id":1,"date":1767225600,"chat":{"id":1,"type":"private","first_name":"-"},"from":{"id":2,"is_bot":true,"first_name":"-","username":"bot"},"text":"-","entities":[{"type":"bold","offset":0,"length":1}]}}""";

    /// <summary>Asks the Bot API who the bot is (getMe): <see cref="SendResult.Sent"/> when the token works, the
    /// classified failure otherwise.</summary>
    public async Task<SendResult> CheckTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.GetMe(cancellationToken).ConfigureAwait(false);
            return new SendResult.Sent(0);
        }
        catch (Exception e) when (TelegramErrors.Classify(e, cancellationToken) is { } result)
        {
            return Scrub(result);
        }
    }

    private SendResult Scrub(SendResult result) => _token is null ? result : result switch
    {
        SendResult.ChatUnavailable r => r with { Reason = Clean(r.Reason) },
        SendResult.BadRequest r => r with { Description = Clean(r.Description) },
        SendResult.Transient r => r with { Description = Clean(r.Description) },
        SendResult.Unauthorized r => r with { Description = Clean(r.Description) },
        _ => result,
    };

    private string Clean(string text) => text.Replace(_token!, "***", StringComparison.Ordinal);
}

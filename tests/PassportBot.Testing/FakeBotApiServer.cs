using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PassportBot.Testing;

/// <summary>
/// A Bot API server on 127.0.0.1 speaking Telegram's wire format (<c>/bot&lt;token&gt;/&lt;method&gt;</c>,
/// JSON, form or query parameters, <c>{"ok":...}</c> envelopes with the HTTP status equal to error_code), so
/// tests drive the real Telegram.Bot client. It scripts updates for getUpdates, records every call, and
/// enforces Telegram's limits and failure modes on demand.
/// </summary>
public sealed class FakeBotApiServer : IAsyncDisposable
{
    public const long BotId = 7000000001;
    public const string BotUsername = "passportbot_test_bot";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly FakeBotApiState _state;

    private FakeBotApiServer(WebApplication app, TimeProvider time, FakeBotApiState state, string token)
    {
        _app = app;
        _time = time;
        _state = state;
        Token = token;
    }

    /// <summary>The URL to pass as the client's baseUrl, e.g. http://127.0.0.1:41234.</summary>
    public string BaseUrl => _app.Urls.First();

    /// <summary>The only token the server accepts; any other gets 401.</summary>
    public string Token { get; }

    public static async Task<FakeBotApiServer> StartAsync(TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var token = $"{BotId}:TEST-ONLY-not-a-token-{Guid.NewGuid():N}";
        var state = new FakeBotApiState(time);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeBotApiServer(app, time, state, token);
        app.Map("/bot{token}/{method}", server.HandleAsync);
        app.MapFallback(ctx => WriteAsync(ctx, Error(404, "Not Found")));
        await app.StartAsync(cancellationToken);
        return server;
    }

    // ---- configuration --------------------------------------------------------------------------------

    public FakeBotApiLimits Limits { get => _state.Limits; set => _state.Limits = value; }

    /// <summary>The user blocked the bot: sends to this chat get 403.</summary>
    public void BlockChat(long chatId) => _state.SetChatStatus(chatId, ChatStatus.Blocked);

    /// <summary>The chat accepts messages again (the bot was unblocked, or made an admin of the channel).</summary>
    public void RestoreChat(long chatId) => _state.SetChatStatus(chatId, ChatStatus.Normal);

    /// <summary>The bot may post to the channel but may not manage its invite links: createChatInviteLink and
    /// exportChatInviteLink get 400 "not enough rights".</summary>
    public void DenyInviteLinks(long chatId) => _state.SetInviteRights(chatId, allowed: false);

    /// <summary>The bot was given the right to invite users to the channel.</summary>
    public void AllowInviteLinks(long chatId) => _state.SetInviteRights(chatId, allowed: true);

    /// <summary>Invite links created for the chat, oldest first, as ChatInviteLink objects.</summary>
    public IReadOnlyList<JsonObject> InviteLinks(long chatId) => _state.InviteLinks(chatId);

    /// <summary>The chat does not exist: sends get 400 "chat not found".</summary>
    public void MarkChatMissing(long chatId) => _state.SetChatStatus(chatId, ChatStatus.Missing);

    /// <summary>The next <paramref name="count"/> calls of <paramref name="method"/> (any method when null)
    /// answer with this error status (5xx, or 409 for a competing getUpdates).</summary>
    public void FailNext(int count, int statusCode = 502, string? method = null) =>
        _state.AddFault(new Fault(FaultKind.ServerError, count, statusCode, method));

    /// <summary>The next <paramref name="count"/> calls never answer until the client gives up.</summary>
    public void HangNext(int count, string? method = null) =>
        _state.AddFault(new Fault(FaultKind.Hang, count, 0, method));

    // ---- scripted updates ------------------------------------------------------------------------------

    /// <summary>A user writes <paramref name="text"/> in the chat. Returns the new message's id.</summary>
    public int EnqueueText(long chatId, string text, long? fromUserId = null, string? languageCode = null) =>
        _state.EnqueueText(chatId, text, fromUserId ?? chatId, languageCode);

    /// <summary>A user presses an inline button carrying <paramref name="data"/> under the bot message
    /// <paramref name="messageId"/>. Returns the callback query id.</summary>
    public string EnqueueCallback(long chatId, string data, int messageId, long? fromUserId = null) =>
        _state.EnqueueCallback(chatId, data, messageId, fromUserId ?? chatId);

    // ---- what happened ---------------------------------------------------------------------------------

    public IReadOnlyList<BotApiCall> Calls => _state.Snapshot();

    /// <summary>Successful sendMessage calls, in arrival order.</summary>
    public IReadOnlyList<BotApiCall> SentMessages => Calls.Where(c => c.Is("sendMessage") && c.Succeeded).ToList();

    public int TooManyRequestsSent => _state.TooManyRequests;

    /// <summary>True when the message exists and was deleted through deleteMessage.</summary>
    public bool IsDeleted(long chatId, int messageId) => _state.IsDeleted(chatId, messageId);

    /// <summary>Text of a message as it stands now (after edits), or null when unknown or deleted.</summary>
    public string? CurrentText(long chatId, int messageId) => _state.CurrentText(chatId, messageId);

    /// <summary>Waits until the recorded calls satisfy <paramref name="predicate"/>; throws TimeoutException
    /// (listing the calls seen) otherwise.</summary>
    public Task WaitForAsync(Func<IReadOnlyList<BotApiCall>, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _state.WaitForAsync(predicate, timeout, cancellationToken);

    /// <summary>Waits for the first call (already recorded or future) matching <paramref name="predicate"/>.</summary>
    public async Task<BotApiCall> WaitForCallAsync(Func<BotApiCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitForAsync(calls => calls.Any(predicate), timeout, cancellationToken);
        return Calls.First(predicate);
    }

    /// <summary>Waits for a call matching <paramref name="predicate"/> that arrives after <paramref name="after"/> calls.</summary>
    public async Task<BotApiCall> WaitForNextCallAsync(int after, Func<BotApiCall, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await WaitForAsync(calls => calls.Skip(after).Any(predicate), timeout, cancellationToken);
        return Calls.Skip(after).First(predicate);
    }

    public async ValueTask DisposeAsync()
    {
        _state.Dispose();
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    // ---- request handling ------------------------------------------------------------------------------

    private async Task HandleAsync(HttpContext context)
    {
        var token = (string)context.Request.RouteValues["token"]!;
        var method = (string)context.Request.RouteValues["method"]!;
        JsonObject args;
        try
        {
            args = await RequestArguments.ReadAsync(context.Request, context.RequestAborted);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or FormatException)
        {
            await WriteAsync(context, Error(400, "Bad Request: invalid request body"));
            return;
        }

        var at = _time.GetUtcNow();
        if (token != Token)
        {
            _state.Record(method, args, at, 401);
            await WriteAsync(context, Error(401, "Unauthorized"));
            return;
        }

        var fault = _state.TakeFault(method);
        if (fault is { Kind: FaultKind.Hang })
        {
            _state.Record(method, args, at, 0);
            try { await Task.Delay(Timeout.Infinite, context.RequestAborted); }
            catch (OperationCanceledException) { }
            return;
        }
        if (fault is { Kind: FaultKind.ServerError })
        {
            _state.Record(method, args, at, fault.StatusCode);
            await WriteAsync(context, Error(fault.StatusCode, FaultDescription(fault.StatusCode)));
            return;
        }

        ApiResult result;
        if (method.Equals("getUpdates", StringComparison.OrdinalIgnoreCase))
        {
            // Recorded before waiting so tests can see the poll in flight.
            _state.Record(method, args, at, 200);
            result = await _state.GetUpdatesAsync(args, context.RequestAborted);
        }
        else
        {
            result = _state.Execute(method, args, at);
            _state.Record(method, args, at, result.StatusCode, result.Body["result"]);
        }
        await WriteAsync(context, result);
    }

    private static ApiResult Error(int code, string description) => ApiResult.Fail(code, description);

    private static string FaultDescription(int statusCode) => statusCode switch
    {
        409 => "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Internal Server Error",
    };

    private static async Task WriteAsync(HttpContext context, ApiResult result)
    {
        if (context.RequestAborted.IsCancellationRequested) return;
        context.Response.StatusCode = result.StatusCode;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.WriteAsync(result.Body.ToJsonString(), context.RequestAborted);
        }
        catch (OperationCanceledException) { }
    }
}

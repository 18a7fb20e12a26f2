using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PassportBot.Testing;

internal enum ChatStatus { Normal, Blocked, Missing }

internal enum FaultKind { ServerError, Hang }

internal sealed record Fault(FaultKind Kind, int Remaining, int StatusCode, string? Method);

/// <summary>Everything the fake server knows: chats, messages, pending updates, faults, recorded calls.
/// One lock guards it all; the server is a test double, not a throughput engine.</summary>
internal sealed partial class FakeBotApiState(TimeProvider time) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<BotApiCall> _calls = [];
    private readonly Dictionary<long, ChatStatus> _chatStatus = [];
    private readonly List<Fault> _faults = [];
    private readonly List<JsonObject> _updates = [];
    private readonly Dictionary<(long Chat, int Id), StoredMessage> _messages = [];
    private readonly Dictionary<long, int> _nextMessageId = [];
    private readonly Dictionary<string, bool> _callbackQueries = []; // id → answered
    private readonly HashSet<long> _noInviteRights = [];
    private readonly Dictionary<long, List<JsonObject>> _inviteLinks = [];
    private readonly FakeRateLimiter _rate = new();
    private readonly CancellationTokenSource _disposed = new();
    private TaskCompletionSource _callsChanged = NewSignal();
    private TaskCompletionSource _updatesChanged = NewSignal();
    private long _nextUpdateId = 100_000;
    private int _tooManyRequests;

    public FakeBotApiLimits Limits { get; set; } = new();

    public int TooManyRequests => Volatile.Read(ref _tooManyRequests);

    // ---- configuration ---------------------------------------------------------------------------------

    public void SetChatStatus(long chatId, ChatStatus status)
    {
        lock (_lock) _chatStatus[chatId] = status;
    }

    /// <summary>The bot may post to the chat but lacks the right to invite users (or is no administrator).</summary>
    public void SetInviteRights(long chatId, bool allowed)
    {
        lock (_lock)
        {
            if (allowed) _noInviteRights.Remove(chatId);
            else _noInviteRights.Add(chatId);
        }
    }

    /// <summary>The invite links created for the chat, oldest first (invite_link, is_primary, is_revoked as now).</summary>
    public IReadOnlyList<JsonObject> InviteLinks(long chatId)
    {
        lock (_lock) return _inviteLinks.TryGetValue(chatId, out var links) ? links.Select(l => (JsonObject)l.DeepClone()).ToList() : [];
    }

    public void AddFault(Fault fault)
    {
        lock (_lock) _faults.Add(fault);
    }

    public Fault? TakeFault(string method)
    {
        lock (_lock)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var f = _faults[i];
                if (f.Method is not null && !f.Method.Equals(method, StringComparison.OrdinalIgnoreCase)) continue;
                if (f.Remaining <= 1) _faults.RemoveAt(i);
                else _faults[i] = f with { Remaining = f.Remaining - 1 };
                return f;
            }
            return null;
        }
    }

    // ---- updates ---------------------------------------------------------------------------------------

    public int EnqueueText(long chatId, string text, long fromUserId, string? languageCode)
    {
        lock (_lock)
        {
            var messageId = NextMessageId(chatId);
            var date = time.GetUtcNow();
            _messages[(chatId, messageId)] = new StoredMessage(text, FromBot: false, date);
            var message = new JsonObject
            {
                ["message_id"] = messageId,
                ["from"] = UserJson(fromUserId, languageCode),
                ["chat"] = ChatJson(chatId),
                ["date"] = date.ToUnixTimeSeconds(),
                ["text"] = text,
            };
            var command = CommandPattern().Match(text);
            if (command.Success)
            {
                message["entities"] = new JsonArray(new JsonObject
                {
                    ["type"] = "bot_command", ["offset"] = 0, ["length"] = command.Length,
                });
            }
            AddUpdate(new JsonObject { ["message"] = message });
            return messageId;
        }
    }

    public string EnqueueCallback(long chatId, string data, int messageId, long fromUserId)
    {
        lock (_lock)
        {
            var queryId = $"{fromUserId}{_nextUpdateId}";
            _callbackQueries[queryId] = false;
            var text = _messages.TryGetValue((chatId, messageId), out var stored) ? stored.Text : "";
            var query = new JsonObject
            {
                ["id"] = queryId,
                ["from"] = UserJson(fromUserId, null),
                ["message"] = new JsonObject
                {
                    ["message_id"] = messageId,
                    ["from"] = BotJson(),
                    ["chat"] = ChatJson(chatId),
                    ["date"] = (stored?.Date ?? time.GetUtcNow()).ToUnixTimeSeconds(),
                    ["text"] = PlainText(text),
                },
                ["chat_instance"] = (chatId * 31).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["data"] = data,
            };
            AddUpdate(new JsonObject { ["callback_query"] = query });
            return queryId;
        }
    }

    private void AddUpdate(JsonObject update)
    {
        update.Insert(0, "update_id", _nextUpdateId++);
        _updates.Add(update);
        Signal(ref _updatesChanged);
    }

    public async Task<ApiResult> GetUpdatesAsync(JsonObject args, CancellationToken aborted)
    {
        var offset = RequestArguments.Long(args, "offset") ?? 0;
        var limit = (int)Math.Clamp(RequestArguments.Long(args, "limit") ?? 100, 1, 100);
        var timeout = TimeSpan.FromSeconds(Math.Clamp(RequestArguments.Long(args, "timeout") ?? 0, 0, 50));
        var allowed = (args["allowed_updates"] as JsonArray)?.Select(n => n?.GetValue<string>()).ToHashSet();

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, _disposed.Token);
        // Long polling is wire-level waiting: real time, whatever clock the limits use.
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (offset > 0) _updates.RemoveAll(u => (long)u["update_id"]! < offset);
                var ready = _updates
                    .Where(u => allowed is null || allowed.Count == 0 || u.Any(p => allowed.Contains(p.Key)))
                    .Take(limit).Select(u => u.DeepClone()).ToArray();
                if (ready.Length > 0) return ApiResult.Ok(new JsonArray(ready));
                changed = _updatesChanged.Task;
            }
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero) return ApiResult.Ok(new JsonArray());
            try
            {
                await changed.WaitAsync(remaining, linked.Token);
            }
            catch (TimeoutException) { return ApiResult.Ok(new JsonArray()); }
            catch (OperationCanceledException) { return ApiResult.Ok(new JsonArray()); }
        }
    }

    // ---- methods ---------------------------------------------------------------------------------------

    public ApiResult Execute(string method, JsonObject args, DateTimeOffset at)
    {
        lock (_lock)
        {
            return method.ToLowerInvariant() switch
            {
                "getme" => ApiResult.Ok(BotJson()),
                "deletewebhook" or "setmycommands" or "deletemycommands" => ApiResult.Ok(true),
                "sendmessage" => SendMessage(args, at),
                "editmessagetext" => EditMessage(args, editText: true),
                "editmessagereplymarkup" => EditMessage(args, editText: false),
                "answercallbackquery" => AnswerCallback(args),
                "deletemessage" => DeleteMessage(args),
                "createchatinvitelink" => CreateInviteLink(args),
                "exportchatinvitelink" => ExportInviteLink(args),
                _ => ApiResult.Fail(404, "Not Found"),
            };
        }
    }

    private ApiResult SendMessage(JsonObject args, DateTimeOffset at)
    {
        if (RequestArguments.Long(args, "chat_id") is not { } chatId) return ApiResult.Fail(400, "Bad Request: chat_id is empty");
        var text = RequestArguments.String(args, "text");
        if (string.IsNullOrEmpty(text)) return ApiResult.Fail(400, "Bad Request: message text is empty");
        if (ChatError(chatId) is { } chatError) return chatError;

        var limits = Limits;
        if (_rate.TryAccept(chatId, at, limits) is false)
        {
            Interlocked.Increment(ref _tooManyRequests);
            return ApiResult.Fail(429, $"Too Many Requests: retry after {limits.RetryAfterSeconds}", limits.RetryAfterSeconds);
        }
        if (TextError(args, text) is { } textError) return textError;

        var messageId = NextMessageId(chatId);
        var markup = args["reply_markup"]?.DeepClone();
        _messages[(chatId, messageId)] = new StoredMessage(text, FromBot: true, at) { Markup = markup?.ToJsonString() };
        return ApiResult.Ok(MessageJson(chatId, messageId, at, text, markup));
    }

    private ApiResult EditMessage(JsonObject args, bool editText)
    {
        if (RequestArguments.Long(args, "chat_id") is not { } chatId || RequestArguments.Long(args, "message_id") is not { } id)
            return ApiResult.Fail(400, "Bad Request: message identifier is not specified");
        if (ChatError(chatId) is { } chatError) return chatError;
        if (!_messages.TryGetValue((chatId, (int)id), out var stored) || stored.Deleted)
            return ApiResult.Fail(400, "Bad Request: message to edit not found");
        if (!stored.FromBot) return ApiResult.Fail(400, "Bad Request: message can't be edited");

        var text = editText ? RequestArguments.String(args, "text") : stored.Text;
        if (string.IsNullOrEmpty(text)) return ApiResult.Fail(400, "Bad Request: message text is empty");
        if (editText && TextError(args, text) is { } textError) return textError;
        var markup = args["reply_markup"]?.DeepClone();
        var markupJson = markup?.ToJsonString();
        if (text == stored.Text && markupJson == stored.Markup)
        {
            return ApiResult.Fail(400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        }
        stored.Text = text;
        stored.Markup = markupJson;
        return ApiResult.Ok(MessageJson(chatId, (int)id, stored.Date, text, markup));
    }

    private ApiResult AnswerCallback(JsonObject args)
    {
        var id = RequestArguments.String(args, "callback_query_id");
        if (id is null || !_callbackQueries.TryGetValue(id, out var answered) || answered)
            return ApiResult.Fail(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
        var text = RequestArguments.String(args, "text");
        if (text is { Length: > 200 }) return ApiResult.Fail(400, "Bad Request: MESSAGE_TOO_LONG");
        _callbackQueries[id] = true;
        return ApiResult.Ok(true);
    }

    private ApiResult DeleteMessage(JsonObject args)
    {
        if (RequestArguments.Long(args, "chat_id") is not { } chatId || RequestArguments.Long(args, "message_id") is not { } id)
            return ApiResult.Fail(400, "Bad Request: message identifier is not specified");
        if (ChatError(chatId) is { } chatError) return chatError;
        if (!_messages.TryGetValue((chatId, (int)id), out var stored) || stored.Deleted)
            return ApiResult.Fail(400, "Bad Request: message to delete not found");
        stored.Deleted = true;
        return ApiResult.Ok(true);
    }

    /// <summary>createChatInviteLink: an additional link (chat_id, optional name of up to 32 characters, expire_date,
    /// member_limit 1–99999, creates_join_request, which excludes member_limit), returned as a ChatInviteLink. Needs the
    /// bot to be an administrator with the right to invite users; private chats have no invite links.</summary>
    private ApiResult CreateInviteLink(JsonObject args)
    {
        if (InviteLinkChat(args, out var chatId) is { } error) return error;
        var name = RequestArguments.String(args, "name");
        if (name is { Length: > 32 }) return ApiResult.Fail(400, "Bad Request: invite link name is too long");
        var memberLimit = RequestArguments.Long(args, "member_limit");
        if (memberLimit is < 1 or > 99999) return ApiResult.Fail(400, "Bad Request: member limit must be between 1 and 99999");
        var joinRequest = RequestArguments.Bool(args, "creates_join_request");
        if (joinRequest && memberLimit is not null)
            return ApiResult.Fail(400, "Bad Request: member limit can't be specified for links requiring administrator approval");
        var link = NewInviteLink(chatId, primary: false, joinRequest);
        if (name is not null) link["name"] = name;
        if (RequestArguments.Long(args, "expire_date") is { } expires) link["expire_date"] = expires;
        if (memberLimit is { } limit) link["member_limit"] = limit;
        return ApiResult.Ok(link.DeepClone());
    }

    /// <summary>exportChatInviteLink: a new primary link (the previous primary one is revoked), returned as a string.</summary>
    private ApiResult ExportInviteLink(JsonObject args)
    {
        if (InviteLinkChat(args, out var chatId) is { } error) return error;
        foreach (var old in _inviteLinks.GetValueOrDefault(chatId) ?? [])
            if (old["is_primary"]!.GetValue<bool>()) old["is_revoked"] = true;
        return ApiResult.Ok(NewInviteLink(chatId, primary: true, joinRequest: false)["invite_link"]!.DeepClone());
    }

    private ApiResult? InviteLinkChat(JsonObject args, out long chatId)
    {
        chatId = 0;
        if (RequestArguments.Long(args, "chat_id") is not { } id) return ApiResult.Fail(400, "Bad Request: chat_id is empty");
        chatId = id;
        if (ChatError(id) is { } chatError) return chatError;
        if (id > 0) return ApiResult.Fail(400, "Bad Request: can't invite members to a private chat");
        return _noInviteRights.Contains(id) ? ApiResult.Fail(400, "Bad Request: not enough rights to manage chat invite links") : null;
    }

    private JsonObject NewInviteLink(long chatId, bool primary, bool joinRequest)
    {
        var link = new JsonObject
        {
            ["invite_link"] = "https://t.me/+" + Convert.ToBase64String(Guid.NewGuid().ToByteArray())[..16].Replace('+', '-').Replace('/', '_'),
            ["creator"] = BotJson(),
            ["creates_join_request"] = joinRequest,
            ["is_primary"] = primary,
            ["is_revoked"] = false,
        };
        if (!_inviteLinks.TryGetValue(chatId, out var links)) _inviteLinks[chatId] = links = [];
        links.Add(link);
        return link;
    }

    private ApiResult? ChatError(long chatId) =>
        _chatStatus.GetValueOrDefault(chatId) switch
        {
            ChatStatus.Blocked => ApiResult.Fail(403, chatId > 0 ? "Forbidden: bot was blocked by the user"
                : chatId < -1_000_000_000_000 ? "Forbidden: bot is not a member of the channel chat"
                : "Forbidden: bot was kicked from the group chat"),
            ChatStatus.Missing => ApiResult.Fail(400, "Bad Request: chat not found"),
            _ => null,
        };

    private static ApiResult? TextError(JsonObject args, string text)
    {
        var parseMode = RequestArguments.String(args, "parse_mode");
        if (string.Equals(parseMode, "HTML", StringComparison.OrdinalIgnoreCase)
            && TelegramHtmlValidator.Validate(text) is { } problem)
        {
            return ApiResult.Fail(400, $"Bad Request: can't parse entities: {problem}");
        }
        var visible = parseMode is null ? text : PlainText(text);
        return visible.Length > 4096 ? ApiResult.Fail(400, "Bad Request: message is too long") : null;
    }

    // ---- queries -----------------------------------------------------------------------------------

    public bool IsDeleted(long chatId, int messageId)
    {
        lock (_lock) return _messages.TryGetValue((chatId, messageId), out var m) && m.Deleted;
    }

    public string? CurrentText(long chatId, int messageId)
    {
        lock (_lock) return _messages.TryGetValue((chatId, messageId), out var m) && !m.Deleted ? m.Text : null;
    }

    public void Record(string method, JsonObject args, DateTimeOffset at, int status, JsonNode? result = null)
    {
        var call = new BotApiCall(
            method,
            RequestArguments.Long(args, "chat_id"),
            RequestArguments.String(args, "text"),
            RequestArguments.String(args, "parse_mode"),
            args["reply_markup"]?.ToJsonString(),
            RequestArguments.Long(args, "message_id") is { } id ? (int)id : null,
            (JsonObject)args.DeepClone(),
            at,
            status)
        {
            ResultMessageId = result is JsonObject message && message["message_id"] is JsonValue resultId ? resultId.GetValue<int>() : null,
        };
        lock (_lock)
        {
            _calls.Add(call);
            Signal(ref _callsChanged);
        }
    }

    public IReadOnlyList<BotApiCall> Snapshot()
    {
        lock (_lock) return _calls.ToArray();
    }

    public async Task WaitForAsync(Func<IReadOnlyList<BotApiCall>, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task changed;
            BotApiCall[] calls;
            lock (_lock)
            {
                changed = _callsChanged.Task;
                calls = _calls.ToArray();
            }
            if (predicate(calls)) return;
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                var recent = string.Join("\n", calls.TakeLast(15).Select(c => $"  {c.Method} chat={c.ChatId} status={c.StatusCode} text={Shorten(c.Text)}"));
                throw new TimeoutException($"The fake Bot API did not see the expected calls within {timeout}. {calls.Length} calls, last ones:\n{recent}");
            }
            try { await changed.WaitAsync(remaining, cancellationToken); }
            catch (TimeoutException) { }
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }

    // ---- JSON shapes -------------------------------------------------------------------------------

    private int NextMessageId(long chatId)
    {
        var id = _nextMessageId.GetValueOrDefault(chatId, 1);
        _nextMessageId[chatId] = id + 1;
        return id;
    }

    private static JsonObject MessageJson(long chatId, int messageId, DateTimeOffset date, string text, JsonNode? markup)
    {
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["from"] = BotJson(),
            ["chat"] = ChatJson(chatId),
            ["date"] = date.ToUnixTimeSeconds(),
            ["text"] = PlainText(text),
        };
        if (markup is JsonObject { } m && m.ContainsKey("inline_keyboard")) message["reply_markup"] = m;
        return message;
    }

    private static JsonObject BotJson() => new()
    {
        ["id"] = FakeBotApiServer.BotId,
        ["is_bot"] = true,
        ["first_name"] = "PassportBot",
        ["username"] = FakeBotApiServer.BotUsername,
    };

    private static JsonObject UserJson(long userId, string? languageCode)
    {
        var user = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = "Test", ["last_name"] = "User" };
        if (languageCode is not null) user["language_code"] = languageCode;
        return user;
    }

    private static JsonObject ChatJson(long chatId) => chatId > 0
        ? new JsonObject { ["id"] = chatId, ["type"] = "private", ["first_name"] = "Test", ["last_name"] = "User" }
        : new JsonObject { ["id"] = chatId, ["type"] = chatId < -1_000_000_000_000 ? "supergroup" : "group", ["title"] = "Test group" };

    /// <summary>What the user sees: tags removed, entities decoded.</summary>
    private static string PlainText(string html) => WebUtility.HtmlDecode(TagPattern().Replace(html, ""));

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "…";

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static void Signal(ref TaskCompletionSource signal)
    {
        var old = signal;
        signal = NewSignal();
        old.TrySetResult();
    }

    [GeneratedRegex(@"^/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")]
    private static partial Regex CommandPattern();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagPattern();

    private sealed record StoredMessage(string Text, bool FromBot, DateTimeOffset Date)
    {
        public string Text { get; set; } = Text;
        public string? Markup { get; set; }
        public bool Deleted { get; set; }
    }
}

/// <summary>Telegram's flood control as the fake applies it: a sliding one-second window for the whole bot,
/// a minimum spacing per chat and a sliding minute per group, all over accepted messages only.</summary>
internal sealed class FakeRateLimiter
{
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly Dictionary<long, DateTimeOffset> _lastPerChat = [];
    private readonly Dictionary<long, Queue<DateTimeOffset>> _groupMinute = [];

    /// <summary>False when the message must be refused with 429. Callers hold the state lock.</summary>
    public bool TryAccept(long chatId, DateTimeOffset at, FakeBotApiLimits limits)
    {
        if (limits.GlobalMessagesPerSecond is { } perSecond)
        {
            while (_recent.Count > 0 && at - _recent.Peek() >= TimeSpan.FromSeconds(1)) _recent.Dequeue();
            if (_recent.Count >= perSecond) return false;
        }
        if (limits.PerChatInterval is { } interval
            && _lastPerChat.TryGetValue(chatId, out var last) && at - last < interval)
        {
            return false;
        }
        Queue<DateTimeOffset>? minute = null;
        if (chatId < 0 && limits.GroupMessagesPerMinute is { } perMinute)
        {
            if (!_groupMinute.TryGetValue(chatId, out minute)) _groupMinute[chatId] = minute = new Queue<DateTimeOffset>();
            while (minute.Count > 0 && at - minute.Peek() >= TimeSpan.FromMinutes(1)) minute.Dequeue();
            if (minute.Count >= perMinute) return false;
        }
        if (limits.GlobalMessagesPerSecond is not null) _recent.Enqueue(at);
        minute?.Enqueue(at);
        _lastPerChat[chatId] = at;
        return true;
    }
}

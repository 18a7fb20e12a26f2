using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>The fake's wire format and limits, checked with plain HTTP and a fake clock.</summary>
public sealed class FakeBotApiServerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private FakeBotApiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeBotApiServer.StartAsync(_time);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private string Url(string method, string? token = null) => $"{_server.BaseUrl}/bot{token ?? _server.Token}/{method}";

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostJsonAsync(string method, object body, string? token = null)
    {
        using var response = await _http.PostAsJsonAsync(Url(method, token), body);
        return (response.StatusCode, (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(long chatId, string text = "hi") =>
        PostJsonAsync("sendMessage", new { chat_id = chatId, text });

    [Fact]
    public async Task Answers_in_telegrams_envelope_for_json_form_and_query_parameters()
    {
        var (status, json) = await PostJsonAsync("sendMessage", new { chat_id = 1, text = "json", reply_markup = new { inline_keyboard = new[] { new[] { new { text = "A", callback_data = "a" } } } } });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(json["ok"]!.GetValue<bool>());
        Assert.Equal(1, json["result"]!["chat"]!["id"]!.GetValue<long>());
        Assert.Equal("private", json["result"]!["chat"]!["type"]!.GetValue<string>());
        Assert.Equal("a", json["result"]!["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());

        using var form = await _http.PostAsync(Url("sendMessage"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["chat_id"] = "2", ["text"] = "form", ["reply_markup"] = "{\"inline_keyboard\":[]}",
        }));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        using var query = await _http.GetAsync(Url("sendMessage") + "?chat_id=3&text=query");
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);

        Assert.Equal(["json", "form", "query"], _server.SentMessages.Select(c => c.Text));
        Assert.Equal("{\"inline_keyboard\":[]}", _server.SentMessages[1].ReplyMarkupJson);
    }

    [Fact]
    public async Task Wrong_token_is_401_and_unknown_method_is_404()
    {
        var (unauthorized, body) = await PostJsonAsync("getMe", new { }, token: "1:wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized);
        Assert.Equal(401, body["error_code"]!.GetValue<int>());
        Assert.False(body["ok"]!.GetValue<bool>());

        var (notFound, _) = await PostJsonAsync("sendTelepathy", new { });
        Assert.Equal(HttpStatusCode.NotFound, notFound);
    }

    [Fact]
    public async Task Global_limit_answers_429_with_retry_after_until_the_clock_moves()
    {
        _server.Limits = new FakeBotApiLimits { GlobalMessagesPerSecond = 2, RetryAfterSeconds = 3 };

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(1)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(2)).Status);
        var (status, body) = await SendAsync(3);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal(3, body["parameters"]!["retry_after"]!.GetValue<int>());
        Assert.Equal("Too Many Requests: retry after 3", body["description"]!.GetValue<string>());

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(3)).Status);
        Assert.Equal(1, _server.TooManyRequestsSent);
    }

    [Fact]
    public async Task Per_chat_and_per_group_limits()
    {
        _server.Limits = new FakeBotApiLimits { PerChatInterval = TimeSpan.FromSeconds(1), GroupMessagesPerMinute = 20 };

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(1)).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(2)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(1)).Status);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(1)).Status);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(-100777)).Status);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendAsync(-100777)).Status);
        _time.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(-100777)).Status);
    }

    [Fact]
    public async Task Blocked_missing_and_malformed_html()
    {
        _server.BlockChat(5);
        _server.MarkChatMissing(6);

        var (blocked, blockedBody) = await SendAsync(5);
        Assert.Equal(HttpStatusCode.Forbidden, blocked);
        Assert.Equal("Forbidden: bot was blocked by the user", blockedBody["description"]!.GetValue<string>());
        var (missing, missingBody) = await SendAsync(6);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("Bad Request: chat not found", missingBody["description"]!.GetValue<string>());

        foreach (var html in new[] { "<b>open", "a < b", "<script>x</script>", "</b>", "R&D" })
        {
            var (status, body) = await PostJsonAsync("sendMessage", new { chat_id = 7, text = html, parse_mode = "HTML" });
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.StartsWith("Bad Request: can't parse entities", body["description"]!.GetValue<string>());
        }
        var (ok, okBody) = await PostJsonAsync("sendMessage", new { chat_id = 7, text = "<b>Torino</b> &amp; <a href=\"https://x\">link</a> &#39;", parse_mode = "HTML" });
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal("Torino & link '", okBody["result"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_updates_honours_offset_and_limit()
    {
        _server.EnqueueText(1, "/start");
        _server.EnqueueText(1, "two");
        _server.EnqueueCallback(1, "g", messageId: 1);

        var (_, first) = await PostJsonAsync("getUpdates", new { limit = 2 });
        var updates = first["result"]!.AsArray();
        Assert.Equal(2, updates.Count);
        Assert.Equal("bot_command", updates[0]!["message"]!["entities"]![0]!["type"]!.GetValue<string>());
        var next = updates[1]!["update_id"]!.GetValue<long>() + 1;

        var (_, second) = await PostJsonAsync("getUpdates", new { offset = next, timeout = 1 });
        var callback = second["result"]!.AsArray().Single()!["callback_query"]!;
        Assert.Equal("g", callback["data"]!.GetValue<string>());

        var (answered, _) = await PostJsonAsync("answerCallbackQuery", new { callback_query_id = callback["id"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.OK, answered);
        var (again, _) = await PostJsonAsync("answerCallbackQuery", new { callback_query_id = callback["id"]!.GetValue<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, again);

        var (_, empty) = await PostJsonAsync("getUpdates", new { offset = next + 1, timeout = 0 });
        Assert.Empty(empty["result"]!.AsArray());
    }

    [Fact]
    public async Task Injected_server_errors_hit_the_next_calls_only()
    {
        _server.FailNext(2, 502);

        Assert.Equal(HttpStatusCode.BadGateway, (await SendAsync(1)).Status);
        Assert.Equal(HttpStatusCode.BadGateway, (await PostJsonAsync("getMe", new { })).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(1)).Status);
    }
}

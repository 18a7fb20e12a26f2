using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Messaging;
using PassportBot.Telegram.Sending;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>The real Telegram.Bot client against the fake server: every Bot API outcome maps to its SendResult.</summary>
public sealed class NotifierTests : IAsyncLifetime
{
    private FakeBotApiServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeBotApiServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private INotifier Notifier(string? token = null, string timeout = "00:00:05")
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:Token"] = token ?? _server.Token,
            ["Telegram:ApiBaseUrl"] = _server.BaseUrl,
            ["Telegram:RequestTimeout"] = timeout,
        }).Build();
        return new ServiceCollection().AddLogging().AddTelegramNotifier(config).BuildServiceProvider().GetRequiredService<INotifier>();
    }

    private static OutgoingMessage Message(long chatId, string content = "<b>hi</b>") => new(OutgoingMessage.NewId(), chatId, content);

    [Fact]
    public async Task The_warm_up_rehearses_a_send_in_memory_and_calls_only_getMe_over_the_wire()
    {
        // The rehearsal's answer is made in memory: its message id is the sample's, and no server saw it.
        Assert.Equal(new SendResult.Sent(1), await TelegramSender.RehearseSendAsync(_server.Token, CancellationToken.None));

        await Notifier().WarmUpAsync(CancellationToken.None);

        Assert.Equal(["getMe"], _server.Calls.Select(c => c.Method).ToArray());
    }

    [Fact]
    public async Task Sent_carries_the_message_id()
    {
        var result = await Notifier().SendAsync(Message(1), CancellationToken.None);

        var sent = Assert.IsType<SendResult.Sent>(result);
        Assert.Equal(_server.SentMessages.Single().ResultMessageId, sent.MessageId);
    }

    [Fact]
    public async Task Warm_up_asks_only_getMe_and_a_send_after_it_works()
    {
        var notifier = Notifier();

        await notifier.WarmUpAsync(CancellationToken.None);

        Assert.Equal(["getMe"], _server.Calls.Select(c => c.Method));
        var sent = Assert.IsType<SendResult.Sent>(await notifier.SendAsync(Message(1), CancellationToken.None));
        Assert.Equal(_server.SentMessages.Single().ResultMessageId, sent.MessageId);
    }

    [Fact]
    public async Task Too_many_requests_becomes_retry_after_with_the_servers_delay()
    {
        _server.Limits = new FakeBotApiLimits { PerChatInterval = TimeSpan.FromMinutes(1), RetryAfterSeconds = 7 };
        var notifier = Notifier();
        await notifier.SendAsync(Message(1), CancellationToken.None);

        var result = await notifier.SendAsync(Message(1), CancellationToken.None);

        Assert.Equal(new SendResult.RetryAfter(TimeSpan.FromSeconds(7)), result);
        Assert.Equal(1, _server.TooManyRequestsSent);
        Assert.Equal(2, _server.Calls.Count(c => c.Is("sendMessage"))); // the client did not retry on its own
    }

    [Fact]
    public async Task Blocked_and_missing_chats_are_unavailable()
    {
        _server.BlockChat(2);
        _server.MarkChatMissing(3);
        _server.BlockChat(-100500);
        var notifier = Notifier();

        Assert.Equal(new SendResult.ChatUnavailable("Forbidden: bot was blocked by the user"), await notifier.SendAsync(Message(2), CancellationToken.None));
        Assert.Equal(new SendResult.ChatUnavailable("Bad Request: chat not found"), await notifier.SendAsync(Message(3), CancellationToken.None));
        Assert.IsType<SendResult.ChatUnavailable>(await notifier.SendAsync(Message(-100500), CancellationToken.None));
    }

    [Fact]
    public async Task Broken_html_is_a_bad_request_about_entities()
    {
        var result = await Notifier().SendAsync(Message(4, "<b>unclosed"), CancellationToken.None);

        var bad = Assert.IsType<SendResult.BadRequest>(result);
        Assert.True(bad.IsEntityParseError);
    }

    [Fact]
    public async Task Server_errors_and_timeouts_are_transient_and_a_rejected_token_is_unauthorized()
    {
        _server.FailNext(1, 500);
        Assert.IsType<SendResult.Transient>(await Notifier().SendAsync(Message(5), CancellationToken.None));

        _server.HangNext(1);
        Assert.IsType<SendResult.Transient>(await Notifier(timeout: "00:00:01").SendAsync(Message(5), CancellationToken.None));

        var wrongToken = Notifier(token: "1:wrong");
        var unauthorized = Assert.IsType<SendResult.Unauthorized>(await wrongToken.SendAsync(Message(5), CancellationToken.None));
        Assert.Contains("401", unauthorized.Description);
        Assert.DoesNotContain("wrong", unauthorized.Description);
    }

    [Fact]
    public async Task An_unreachable_server_is_transient()
    {
        var port = new Uri(_server.BaseUrl).Port;
        await _server.DisposeAsync();
        _server = await FakeBotApiServer.StartAsync();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:Token"] = _server.Token,
            ["Telegram:ApiBaseUrl"] = $"http://127.0.0.1:{port}",
        }).Build();
        var notifier = new ServiceCollection().AddLogging().AddTelegramNotifier(config).BuildServiceProvider().GetRequiredService<INotifier>();

        Assert.IsType<SendResult.Transient>(await notifier.SendAsync(Message(6), CancellationToken.None));
    }

    [Fact]
    public async Task Console_notifier_prints_plain_text()
    {
        var output = new StringWriter();
        var notifier = new ConsoleNotifier(output, TimeProvider.System);

        var result = await notifier.SendAsync(Message(7, "<b>Nuova disponibilità:</b>\nUfficio: Questura &amp; C."), CancellationToken.None);

        Assert.IsType<SendResult.Sent>(result);
        Assert.Contains("to chat 7", output.ToString());
        Assert.Contains("Nuova disponibilità:\nUfficio: Questura & C.", output.ToString().ReplaceLineEndings("\n"));
        Assert.DoesNotContain("<b>", output.ToString());
    }
}

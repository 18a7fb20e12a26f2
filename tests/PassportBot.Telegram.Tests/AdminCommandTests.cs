using PassportBot.Telegram.Bot;
using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

public sealed class AdminCommandTests : BotTestBase
{
    private const long Stranger = 3003;
    private const string Secret = "JSESSIONID=s3cr3t-c00kie-value; XSRF=abc";

    private const long Group = -1_001_234_567_890;

    [Fact]
    public async Task Cookie_from_a_non_admin_is_refused_stored_nowhere_and_its_message_deleted()
    {
        var (reply, messageId) = await SayAsync(Stranger, "/cookie " + Secret);

        Assert.Contains("non è disponibile qui", reply.Text);
        Assert.Null(await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None));
        Assert.True(Server.IsDeleted(Stranger, messageId));
        AssertNeverEchoed();
    }

    [Theory]
    [InlineData(TelegramTestHost.AdminChatId)]
    [InlineData(Stranger)]
    public async Task Csrf_in_a_group_is_refused_even_from_an_admin_and_its_message_deleted(long fromUserId)
    {
        var before = Server.Calls.Count;
        var messageId = Server.EnqueueText(Group, "/csrf@" + FakeBotApiServer.BotUsername + " s3cr3t-csrf-token", fromUserId);
        var reply = await Server.WaitForNextCallAsync(before, c => c.Is("sendMessage") && c.ChatId == Group && c.Succeeded, Timeout);

        Assert.Contains("non è disponibile qui", reply.Text);
        Assert.True(Server.IsDeleted(Group, messageId));
        Assert.Null(await Host.Settings.GetAsync(AdminCommands.CsrfKey, CancellationToken.None));
        AssertNeverEchoed();
    }

    [Fact]
    public async Task A_refused_secret_that_cannot_be_deleted_asks_the_sender_to_delete_it()
    {
        Server.FailNext(1, 502, "deleteMessage");

        var (reply, messageId) = await SayAsync(Stranger, "/cookie " + Secret);

        Assert.Contains("cancellalo", reply.Text);
        Assert.False(Server.IsDeleted(Stranger, messageId));
        Assert.Contains(Server.Calls, c => c.Is("deleteMessage") && c.ChatId == Stranger);
        AssertNeverEchoed();
    }

    [Fact]
    public async Task Cookie_without_a_value_from_a_non_admin_is_just_an_unknown_command()
    {
        var (reply, messageId) = await SayAsync(Stranger, "/cookie");

        Assert.Contains("Non conosco questo comando", reply.Text);
        Assert.False(Server.IsDeleted(Stranger, messageId));
    }

    [Fact]
    public async Task Cookie_from_an_admin_is_stored_the_message_deleted_and_never_echoed()
    {
        var (reply, messageId) = await SayAsync(TelegramTestHost.AdminChatId, "/cookie Cookie: " + Secret);

        var stored = await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None);
        Assert.Equal(Secret, stored?.Value);
        Assert.True(Server.IsDeleted(TelegramTestHost.AdminChatId, messageId));
        Assert.Contains("Cookie", reply.Text);
        Assert.Contains($"{Secret.Length}", reply.Text);
        Assert.DoesNotContain(Server.Calls, c => c.Is("sendMessage") && c.Text!.Contains("s3cr3t"));
    }

    [Fact]
    public async Task Csrf_from_an_admin_is_stored_under_its_key()
    {
        var (_, messageId) = await SayAsync(TelegramTestHost.AdminChatId, "/csrf 0f1e2d3c-token");

        Assert.Equal("0f1e2d3c-token", (await Host.Settings.GetAsync(AdminCommands.CsrfKey, CancellationToken.None))?.Value);
        Assert.True(Server.IsDeleted(TelegramTestHost.AdminChatId, messageId));
    }

    [Fact]
    public async Task Cookie_without_a_value_explains_the_usage_and_stores_nothing()
    {
        var (reply, _) = await SayAsync(TelegramTestHost.AdminChatId, "/cookie");

        Assert.Contains("/cookie", reply.Text);
        Assert.Null(await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None));
    }

    [Fact]
    public async Task A_multi_line_cookie_paste_is_cleaned_like_a_token_file()
    {
        var (_, messageId) = await SayAsync(TelegramTestHost.AdminChatId, "/cookie Cookie: JSESSIONID=s3cr3t-a;\r\n   XSRF=b\n");

        Assert.Equal("JSESSIONID=s3cr3t-a;XSRF=b", (await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None))?.Value);
        Assert.True(Server.IsDeleted(TelegramTestHost.AdminChatId, messageId));
        AssertNeverEchoed();
    }

    [Theory]
    [InlineData("/csrf s3cr3t\tvalue", "caratteri di controllo")]
    [InlineData("/csrf s3cr3t\u0000value", "caratteri di controllo")]
    public async Task A_secret_with_control_characters_is_refused_clearly_stored_nowhere_and_deleted(string text, string reply)
    {
        var (answer, messageId) = await SayAsync(TelegramTestHost.AdminChatId, text);

        Assert.Contains(reply, answer.Text);
        Assert.Null(await Host.Settings.GetAsync(AdminCommands.CsrfKey, CancellationToken.None));
        Assert.True(Server.IsDeleted(TelegramTestHost.AdminChatId, messageId));
        AssertNeverEchoed();
    }

    [Fact]
    public void A_secret_over_8_KB_is_refused()
    {
        Assert.Equal(SecretProblem.TooLong, SecretValue.Clean("/" + new string('a', SecretValue.MaxLength + 1), "Cookie").Problem);
        Assert.Null(SecretValue.Clean(new string('a', SecretValue.MaxLength), "Cookie").Problem);
    }

    [Fact]
    public async Task The_message_holding_the_secret_is_deleted_before_the_value_is_stored()
    {
        var (_, messageId) = await SayAsync(TelegramTestHost.AdminChatId, "/cookie " + Secret);

        var deleted = Server.Calls.First(c => c.Is("deleteMessage") && c.ChatId == TelegramTestHost.AdminChatId);
        var stored = await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None);
        Assert.NotNull(stored);
        // The store keeps milliseconds.
        Assert.True(deleted.At.ToUnixTimeMilliseconds() <= stored!.Value.UpdatedAt.ToUnixTimeMilliseconds(), $"deleted at {deleted.At:O}, stored at {stored.Value.UpdatedAt:O}");
        Assert.True(Server.IsDeleted(TelegramTestHost.AdminChatId, messageId));
    }

    private void AssertNeverEchoed() =>
        Assert.DoesNotContain(Server.Calls, c => c.Is("sendMessage") && c.Text!.Contains("s3cr3t", StringComparison.Ordinal));

    [Fact]
    public async Task Status_is_for_admins_only()
    {
        var (stranger, _) = await SayAsync(Stranger, "/status");
        Assert.Contains("Non conosco questo comando", stranger.Text);

        // No poller in this host: the admin is told so rather than shown a made-up state.
        var (admin, _) = await SayAsync(TelegramTestHost.AdminChatId, "/status");
        Assert.Contains("poller", admin.Text);
    }
}

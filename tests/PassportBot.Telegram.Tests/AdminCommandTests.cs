using PassportBot.Telegram.Bot;

namespace PassportBot.Telegram.Tests;

public sealed class AdminCommandTests : BotTestBase
{
    private const long Stranger = 3003;
    private const string Secret = "JSESSIONID=s3cr3t-c00kie-value; XSRF=abc";

    [Fact]
    public async Task Cookie_from_a_non_admin_is_refused_like_an_unknown_command()
    {
        var (reply, messageId) = await SayAsync(Stranger, "/cookie " + Secret);

        Assert.Contains("Non conosco questo comando", reply.Text);
        Assert.Null(await Host.Settings.GetAsync(AdminCommands.CookieKey, CancellationToken.None));
        Assert.False(Server.IsDeleted(Stranger, messageId));
        Assert.DoesNotContain(Server.Calls, c => c.Is("sendMessage") && c.Text!.Contains("s3cr3t"));
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
    public async Task Status_is_for_admins_only()
    {
        var (stranger, _) = await SayAsync(Stranger, "/status");
        Assert.Contains("Non conosco questo comando", stranger.Text);

        // No poller in this host: the admin is told so rather than shown a made-up state.
        var (admin, _) = await SayAsync(TelegramTestHost.AdminChatId, "/status");
        Assert.Contains("poller", admin.Text);
    }
}

namespace PassportBot.Telegram.Tests;

public sealed class PollingResilienceTests : BotTestBase
{
    [Theory]
    [InlineData(502)]
    [InlineData(409)]
    [InlineData(401)]
    public async Task Polling_errors_back_off_and_the_bot_keeps_answering(int status)
    {
        await Server.WaitForAsync(calls => calls.Any(c => c.Is("getUpdates")), Timeout);
        Server.FailNext(1, status, "getUpdates");
        await SayAsync(5005, "/help"); // answered by the poll already in flight; the next one fails

        await Server.WaitForCallAsync(c => c.Is("getUpdates") && c.StatusCode == status, Timeout);
        var (reply, _) = await SayAsync(5005, "/help");

        Assert.Contains("/subscribe TO", reply.Text);
    }

    [Fact]
    public async Task Each_update_is_handled_once_even_when_many_arrive_together()
    {
        for (var i = 0; i < 5; i++) Server.EnqueueText(6006 + i, "/help");

        await Server.WaitForAsync(calls => calls.Count(c => c.Is("sendMessage")) >= 5, Timeout);
        var before = Server.Calls.Count;
        await SayAsync(7007, "/help"); // one more full polling round

        Assert.Equal(6, Server.Calls.Count(c => c.Is("sendMessage")));
        Assert.True(Server.Calls.Count > before);
    }

    [Fact]
    public async Task A_failing_command_menu_does_not_keep_the_bot_from_answering()
    {
        await using var host = await TelegramTestHost.StartAsync((services, config) => services.AddTelegramBot(config),
            beforeStart: server => server.FailNext(1, 500, "setMyCommands"));

        var before = host.Server.Calls.Count;
        host.Server.EnqueueText(8008, "/help");
        var reply = await host.Server.WaitForNextCallAsync(before, c => c.Is("sendMessage") && c.Succeeded, Timeout);

        Assert.Contains("/subscribe TO", reply.Text);
        Assert.Contains(host.Server.Calls, c => c.Is("setMyCommands") && c.StatusCode == 500);
    }
}

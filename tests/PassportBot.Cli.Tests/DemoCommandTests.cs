using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PassportBot.Targets;
using PassportBot.Telegram;

namespace PassportBot.Cli.Tests;

public sealed class DemoCommandTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("", "  ", true)]
    [InlineData("123:abc", null, false)]
    // A token kept in a file is a bot as much as an inline one: no console chat beside it.
    [InlineData(null, "/run/secrets/telegram_token", false)]
    public void The_demo_prints_to_the_console_only_without_a_bot(string? token, string? tokenFile, bool consoleChat)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:Token"] = token,
            ["Telegram:TokenFile"] = tokenFile,
        }).Build();
        var telegram = new ServiceCollection().AddTelegramOptions(configuration).BuildServiceProvider()
            .GetRequiredService<IOptions<TelegramOptions>>().Value;

        Assert.Equal(consoleChat, DemoCommand.UsesConsoleChat(telegram));
    }
}

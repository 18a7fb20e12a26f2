using Microsoft.Extensions.Configuration;

namespace PassportBot.Cli.Tests;

/// <summary>The channel settings live in the Telegram section beside the bot's own: they are known settings there,
/// and a mistyped one is still named.</summary>
public sealed class ChannelsConfigurationCheckTests
{
    private static IReadOnlyList<string> Check(Dictionary<string, string?> values) =>
        ConfigurationCheck.Check(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    [Fact]
    public void Channel_settings_pass_beside_the_bots_own()
    {
        Assert.Empty(Check(new()
        {
            ["Telegram:MaxMessagesPerSecond"] = "25",
            ["Telegram:Channels:TO"] = "-1001234567890",
            ["Telegram:Channels:MI"] = "@passaporti_mi",
            ["Telegram:ChannelLanguage"] = "en",
            ["Telegram:ChannelGonePosts:0"] = "@passaporti_mi",
            ["Telegram:ChannelPostsPerMinute"] = "20",
            ["Telegram:DispatcherWindow"] = "5000",
        }));
    }

    [Fact]
    public void A_mistyped_channel_setting_is_named()
    {
        var errors = Check(new()
        {
            ["Telegram:Chanels:TO"] = "-1001234567890",
            ["Telegram:ChannelPostsPerMinute"] = "lots",
        });

        Assert.Contains(errors, e => e.StartsWith("Unknown setting Telegram:Chanels;", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Telegram:ChannelPostsPerMinute: 'lots'", StringComparison.Ordinal));
        Assert.Equal(2, errors.Count);
    }
}

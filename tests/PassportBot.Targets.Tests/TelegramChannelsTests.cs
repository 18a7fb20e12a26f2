using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Targets.Channels;
using PassportBot.Telegram;

namespace PassportBot.Targets.Tests;

public sealed class TelegramChannelsTests
{
    private static TelegramOptions Options() => new()
    {
        Channels = new(StringComparer.OrdinalIgnoreCase) { ["TO"] = " -1001234567890 ", ["mi"] = "@Passaporti_Nord", ["BG"] = "@passaporti_nord" },
        ChannelLanguage = "en",
        ChannelGonePosts = ["@PASSAPORTI_NORD"],
    };

    [Fact]
    public void Provinces_resolve_to_their_channel_and_a_shared_channel_is_one_channel()
    {
        Assert.True(new TelegramOptionsValidator().Validate(null, Options()).Succeeded);
        var channels = new TelegramChannels(Options());

        Assert.Equal(Recipient.TelegramChannel("-1001234567890"), channels.For("TO"));
        Assert.Equal(RecipientKind.TelegramChannel, channels.For("MI")!.Kind);
        Assert.Null(channels.For("AL"));
        Assert.Equal(["BG", "MI"], channels.ProvincesOf("@passaporti_nord"));
        Assert.True(channels.WantsGone(channels.For("BG")!));
        Assert.False(channels.WantsGone(channels.For("TO")!));
        Assert.Equal(Language.English, channels.Language);
        Assert.Equal("https://t.me/Passaporti_Nord", TelegramChannels.PublicLink(channels.For("MI")!));
        Assert.Null(TelegramChannels.PublicLink(channels.For("TO")!));
    }

    [Fact]
    public void Every_mistake_is_named_at_once()
    {
        var options = new TelegramOptions
        {
            Channels = new(StringComparer.OrdinalIgnoreCase) { ["XX"] = "-100123", ["TO"] = "1234", ["MI"] = "@ab", ["GE"] = "https://t.me/x" },
            ChannelLanguage = "fr",
            ChannelGonePosts = ["@nobody_here"],
            ChannelPostsPerMinute = 0,
        };

        var result = new TelegramOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var errors = result.Failures!.ToList();
        Assert.Contains("Telegram:Channels:XX is not a province code.", errors);
        Assert.Contains(errors, e => e.StartsWith("Telegram:Channels:TO must be a channel chat id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Telegram:Channels:MI must be a channel chat id", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Telegram:Channels:GE must be a channel chat id", StringComparison.Ordinal));
        Assert.Contains("Telegram:ChannelGonePosts names @nobody_here, which no Telegram:Channels entry uses.", errors);
        Assert.Contains("Telegram:ChannelLanguage must be 'it' or 'en'.", errors);
        Assert.Contains("Telegram:ChannelPostsPerMinute must be between 1 and 60.", errors);
        Assert.Equal(7, errors.Count);
    }
}

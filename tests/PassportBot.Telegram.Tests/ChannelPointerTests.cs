using PassportBot.Domain;

namespace PassportBot.Telegram.Tests;

/// <summary>/start, /subscribe and /list point a subscriber to the channel of their province, in their language.</summary>
public sealed class ChannelPointerTests : BotTestBase
{
    private const long Chat = 91_001;

    protected override Task<TelegramTestHost> StartHostAsync() =>
        TelegramTestHost.StartAsync((services, config) => services.AddTelegramBot(config), new Dictionary<string, string?>
        {
            ["Telegram:Channels:TO"] = "@passaporti_torino",
            ["Telegram:Channels:MI"] = "@passaporti_lombardia",
            ["Telegram:Channels:BG"] = "@passaporti_lombardia",
            // A private channel known only by its id: the bot has no link to give.
            ["Telegram:Channels:GE"] = "-1009876543210",
        }, captureSubscriptionRequests: true);

    [Fact]
    public async Task Subscribe_list_and_start_point_to_the_province_channel_in_italian()
    {
        var (subscribed, _) = await SayAsync(Chat, "/subscribe TO");
        Assert.Contains("Ora segui", subscribed.Text);
        Assert.Contains("ha un canale: @passaporti_torino", subscribed.Text);
        Assert.Contains("nello stesso momento di tutti gli altri", subscribed.Text);
        await Host.NextRequestAsync();
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, CancellationToken.None);

        var (list, _) = await SayAsync(Chat, "/list");
        Assert.Contains("@passaporti_torino", list.Text);
        var (start, _) = await SayAsync(Chat, "/start");
        Assert.Contains("@passaporti_torino", start.Text);
    }

    [Fact]
    public async Task In_english_a_shared_channel_is_named_once_with_its_provinces_and_a_private_one_is_not_advertised()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "MI", Language.English, CancellationToken.None);
        await Host.Subscriptions.SubscribeAsync(Chat, "BG", Language.English, CancellationToken.None);
        await Host.Subscriptions.SubscribeAsync(Chat, "GE", Language.English, CancellationToken.None);

        var (list, _) = await SayAsync(Chat, "/list");
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(list.Text!, "@passaporti_lombardia"));
        Assert.Contains("has a channel: @passaporti_lombardia. Join it to hear of new slots at the same moment as everyone else.", list.Text);
        Assert.Contains("Milano", list.Text![list.Text!.IndexOf("📣", StringComparison.Ordinal)..]);
        Assert.Contains("Bergamo", list.Text![list.Text!.IndexOf("📣", StringComparison.Ordinal)..]);
        Assert.DoesNotContain("-1009876543210", list.Text);

        var (subscribed, _) = await SayAsync(Chat, "/subscribe AL");
        Assert.DoesNotContain("📣", subscribed.Text);
    }
}

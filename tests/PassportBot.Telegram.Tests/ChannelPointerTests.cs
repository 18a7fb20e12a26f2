using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Telegram.Bot;

namespace PassportBot.Telegram.Tests;

/// <summary>/start, /subscribe and /list point a subscriber to the channel of their province, in their language.</summary>
public sealed class ChannelPointerTests : BotTestBase
{
    private const long Chat = 91_001;
    private const long PrivateChannel = -1009876543210;

    protected override Task<TelegramTestHost> StartHostAsync() =>
        TelegramTestHost.StartAsync((services, config) => services.AddTelegramBot(config), new Dictionary<string, string?>
        {
            ["Telegram:Channels:TO"] = "@passaporti_torino",
            ["Telegram:Channels:MI"] = "@passaporti_lombardia",
            ["Telegram:Channels:BG"] = "@passaporti_lombardia",
            // A private channel known only by its id: advertised by an invite link the bot creates.
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
    public async Task In_english_a_shared_channel_is_named_once_with_its_provinces_and_a_private_one_without_a_link_is_not_advertised()
    {
        Server.DenyInviteLinks(PrivateChannel);
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

    private int InviteLinkCalls => Server.Calls.Count(c => c.Is("createChatInviteLink"));

    [Fact]
    public async Task A_private_channel_is_advertised_by_an_invite_link_the_bot_creates_once_and_keeps()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "GE", Language.English, CancellationToken.None);

        var (list, _) = await SayAsync(Chat, "/list");
        var link = Assert.Single(Server.InviteLinks(PrivateChannel));
        var url = link["invite_link"]!.GetValue<string>();
        Assert.StartsWith("https://t.me/+", url);
        Assert.Contains($"has a channel: {url}. Join it", list.Text);
        // An additional link named after the bot: the channel's primary link is left alone.
        var call = Assert.Single(Server.Calls, c => c.Is("createChatInviteLink"));
        Assert.Equal(PrivateChannel, call.ChatId);
        Assert.Equal(ChannelInviteLinks.LinkName, call.Argument("name"));
        Assert.False(link["is_primary"]!.GetValue<bool>());

        var (start, _) = await SayAsync(Chat, "/start");
        Assert.Contains(url, start.Text);
        Assert.Equal(1, InviteLinkCalls);

        // A restarted bot finds the link in the settings store.
        var restarted = ActivatorUtilities.CreateInstance<ChannelInviteLinks>(Host.Services);
        Assert.Equal(url, await restarted.LinkAsync(Recipient.TelegramChannel(PrivateChannel.ToString(System.Globalization.CultureInfo.InvariantCulture)), CancellationToken.None));
        Assert.Equal(1, InviteLinkCalls);
    }

    [Fact]
    public async Task A_refused_invite_link_is_not_asked_for_again_until_the_retry_time_has_passed()
    {
        Server.DenyInviteLinks(PrivateChannel);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var links = ActivatorUtilities.CreateInstance<ChannelInviteLinks>(Host.Services, (TimeProvider)time);
        var channel = Recipient.TelegramChannel(PrivateChannel.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Null(await links.LinkAsync(channel, CancellationToken.None));
        var refused = Assert.Single(Server.Calls, c => c.Is("createChatInviteLink"));
        Assert.Equal(400, refused.StatusCode);
        Server.AllowInviteLinks(PrivateChannel);
        Assert.Null(await links.LinkAsync(channel, CancellationToken.None));
        Assert.Equal(1, InviteLinkCalls);

        time.Advance(ChannelInviteLinks.RefusalRetry);
        var url = await links.LinkAsync(channel, CancellationToken.None);
        Assert.Equal(Assert.Single(Server.InviteLinks(PrivateChannel))["invite_link"]!.GetValue<string>(), url);
        Assert.Equal(2, InviteLinkCalls);
        // A public channel needs no link: its @username is shown, Telegram is not asked.
        Assert.Equal("@passaporti_torino", await links.LinkAsync(Recipient.TelegramChannel("@passaporti_torino"), CancellationToken.None));
        Assert.Equal(2, InviteLinkCalls);
    }
}

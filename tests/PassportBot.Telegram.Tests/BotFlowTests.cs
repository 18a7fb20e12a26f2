using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Telegram.Bot;

namespace PassportBot.Telegram.Tests;

public sealed class BotFlowTests : BotTestBase
{
    private const long Chat = 1001;

    [Fact]
    public async Task Start_welcomes_in_italian_lists_no_provinces_and_offers_buttons()
    {
        var (reply, _) = await SayAsync(Chat, "/start");

        Assert.Contains("PassportBot", reply.Text);
        Assert.Contains("Non segui ancora nessuna provincia", reply.Text);
        Assert.Equal("HTML", reply.ParseMode, ignoreCase: true);
        Assert.Contains("g", CallbackData(reply));
        Assert.Contains("l:en", CallbackData(reply));
    }

    [Fact]
    public async Task Start_lists_the_provinces_the_user_follows()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, CancellationToken.None);

        var (reply, _) = await SayAsync(Chat, "/start");

        Assert.Contains("Torino (TO)", reply.Text);
        Assert.Contains("u", CallbackData(reply));
        Assert.Contains("a", CallbackData(reply));
    }

    [Fact]
    public async Task Guided_subscribe_goes_region_then_province_then_confirm_and_publishes_the_request()
    {
        var (menu, _) = await SayAsync(Chat, "/start");
        var menuId = menu.ResultMessageId!.Value;

        var (_, regionsCalls) = await PressAsync(Chat, "g", menuId);
        var regions = regionsCalls.Single(c => c.Is("editMessageText"));
        Assert.Equal(ProvinceCatalog.Regions.Count + 1, CallbackData(regions).Count); // 20 regions + back
        var piemonte = ProvinceCatalog.Regions.ToList().IndexOf("Piemonte");

        var (_, provinceCalls) = await PressAsync(Chat, $"r:{piemonte}", menuId);
        var provinces = CallbackData(provinceCalls.Single(c => c.Is("editMessageText")));
        Assert.Equal(ProvinceCatalog.InRegion("Piemonte").Select(p => $"p:{p.Code}").Append("g"), provinces);

        var (_, confirmCalls) = await PressAsync(Chat, "p:TO", menuId);
        var confirm = confirmCalls.Single(c => c.Is("editMessageText"));
        Assert.Contains("Torino (TO)", confirm.Text);
        Assert.Contains("s:TO", CallbackData(confirm));
        Assert.False(Host.HasPendingRequest);

        var (answer, doneCalls) = await PressAsync(Chat, "s:TO", menuId);
        Assert.Contains("Ora segui", doneCalls.Single(c => c.Is("editMessageText")).Text);
        Assert.Equal(200, answer.StatusCode);

        var request = await Host.NextRequestAsync();
        Assert.Equal(new SubscriptionRequest(Chat, "TO", SubscriptionOperation.Insert) { Language = Language.Italian }, request);
        Assert.Contains("Torino (TO)", Server.CurrentText(Chat, menuId));
    }

    [Fact]
    public async Task Sud_Sardegna_is_served_by_Cagliari()
    {
        var (menu, _) = await SayAsync(Chat, "/start");
        var id = menu.ResultMessageId!.Value;

        var (_, confirmCalls) = await PressAsync(Chat, "p:SU", id);
        Assert.Contains("Cagliari (CA)", confirmCalls.Single(c => c.Is("editMessageText")).Text);
        await PressAsync(Chat, "s:SU", id);

        var request = await Host.NextRequestAsync();
        Assert.Equal("CA", request.Province);
        Assert.Equal(SubscriptionOperation.Insert, request.Operation);
    }

    [Fact]
    public async Task Unsubscribe_from_a_followed_province_through_the_buttons()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, CancellationToken.None);
        await Host.Subscriptions.SubscribeAsync(Chat, "MI", Language.Italian, CancellationToken.None);
        var (menu, _) = await SayAsync(Chat, "/start");
        var id = menu.ResultMessageId!.Value;

        var (_, listCalls) = await PressAsync(Chat, "u", id);
        Assert.Equal(new[] { "x:MI", "x:TO", "m" }, CallbackData(listCalls.Single(c => c.Is("editMessageText"))));

        await PressAsync(Chat, "x:MI", id);
        var request = await Host.NextRequestAsync();
        Assert.Equal(new SubscriptionRequest(Chat, "MI", SubscriptionOperation.Remove) { Language = Language.Italian }, request);
    }

    [Fact]
    public async Task Remove_all_asks_for_confirmation_first()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, CancellationToken.None);
        await Host.Subscriptions.SubscribeAsync(Chat, "MI", Language.Italian, CancellationToken.None);
        var (menu, _) = await SayAsync(Chat, "/start");
        var id = menu.ResultMessageId!.Value;

        var (_, askCalls) = await PressAsync(Chat, "a", id);
        var ask = askCalls.Single(c => c.Is("editMessageText"));
        Assert.Contains("(2)", ask.Text);
        Assert.Equal(new[] { "A", "m" }, CallbackData(ask));
        Assert.False(Host.HasPendingRequest);

        await PressAsync(Chat, "A", id);
        var request = await Host.NextRequestAsync();
        Assert.Equal(new SubscriptionRequest(Chat, null, SubscriptionOperation.RemoveAll) { Language = Language.Italian }, request);
    }

    [Theory]
    [InlineData("s:ZZ")]
    [InlineData("s:to")]
    [InlineData("r:99")]
    [InlineData("r:07")]
    [InlineData("x")]
    [InlineData("p:TO:extra")]
    [InlineData("l:de")]
    [InlineData("{\"drop\":\"table\"}")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task Tampered_or_stale_buttons_get_a_polite_answer_and_change_nothing(string data)
    {
        var (menu, _) = await SayAsync(Chat, "/start");
        var id = menu.ResultMessageId!.Value;

        var (answer, calls) = await PressAsync(Chat, data, id);

        Assert.Equal(200, answer.StatusCode);
        Assert.Contains("non è più valido", answer.Argument("text"));
        Assert.DoesNotContain(calls, c => c.Is("editMessageText") || c.Is("sendMessage"));
        Assert.False(Host.HasPendingRequest);
        // The bot is still alive.
        var (reply, _) = await SayAsync(Chat, "/help");
        Assert.Contains("/subscribe TO", reply.Text);
    }

    [Fact]
    public async Task A_button_under_a_deleted_message_is_answered_and_the_menu_is_sent_anew()
    {
        var (answer, calls) = await PressAsync(Chat, "g", messageId: 9999);

        Assert.Equal(200, answer.StatusCode);
        Assert.Contains(calls, c => c.Is("editMessageText") && c.StatusCode == 400);
        Assert.Contains(calls, c => c.Is("sendMessage") && c.Succeeded && CallbackData(c).Contains("r:0"));
    }

    [Fact]
    public async Task Language_button_switches_to_english()
    {
        var (menu, _) = await SayAsync(Chat, "/start");

        var (answer, calls) = await PressAsync(Chat, "l:en", menu.ResultMessageId!.Value);

        Assert.Contains("Language set", answer.Argument("text"));
        Assert.Contains("Hi! I am PassportBot", calls.Single(c => c.Is("editMessageText")).Text);
        Assert.Equal(Language.English, await Host.Subscriptions.GetLanguageAsync(Chat, CancellationToken.None));
    }

    [Fact]
    public async Task Polling_deletes_the_webhook_and_sets_commands_in_italian_and_english()
    {
        await Server.WaitForAsync(calls => calls.Count(c => c.Is("setMyCommands")) >= 3 && calls.Any(c => c.Is("getUpdates")), Timeout);
        var calls = Server.Calls;

        var order = calls.Select(c => c.Method).ToList();
        Assert.InRange(order.IndexOf("deleteWebhook"), 0, order.IndexOf("getUpdates"));
        var languages = calls.Where(c => c.Is("setMyCommands")).Select(c => c.Argument("language_code")).ToList();
        Assert.Contains("en", languages);
        Assert.Contains("it", languages);
        var poll = calls.First(c => c.Is("getUpdates"));
        Assert.Equal("[\"message\",\"callback_query\"]", poll.Argument("allowed_updates"));
    }
}

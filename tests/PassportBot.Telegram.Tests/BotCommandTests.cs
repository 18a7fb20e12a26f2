using PassportBot.Domain;
using PassportBot.Messaging;

namespace PassportBot.Telegram.Tests;

public sealed class BotCommandTests : BotTestBase
{
    private const long Chat = 2002;

    [Theory]
    [InlineData("/subscribe TO", "TO")]
    [InlineData("/subscribe to", "TO")]
    [InlineData("/SUBSCRIBE Mi", "MI")]
    [InlineData("/Subscribe@passportbot_test_bot  na ", "NA")]
    [InlineData("/subscribe su", "CA")]
    public async Task Subscribe_by_command_is_case_insensitive_and_publishes_the_agenda_code(string text, string province)
    {
        var (reply, _) = await SayAsync(Chat, text);

        Assert.Contains("Ora segui", reply.Text);
        var request = await Host.NextRequestAsync();
        Assert.Equal(new SubscriptionRequest(Chat, province, SubscriptionOperation.Insert) { Language = Language.Italian }, request);
    }

    [Fact]
    public async Task Several_codes_at_once_subscribe_the_valid_ones_and_name_the_others()
    {
        var (reply, _) = await SayAsync(Chat, "/subscribe TO, mi XX");

        Assert.Equal("TO", (await Host.NextRequestAsync()).Province);
        Assert.Equal("MI", (await Host.NextRequestAsync()).Province);
        Assert.False(Host.HasPendingRequest);
        Assert.Contains("«XX»", reply.Text);
    }

    [Theory]
    [InlineData("/subscribe XX", "«XX»")]
    [InlineData("/subscribe TOR", "«TOR»")]
    [InlineData("/subscribe 12", "«12»")]
    [InlineData("/subscribe <b>", "«&lt;b&gt;»")]
    [InlineData("/unsubscribe ZZ", "«ZZ»")]
    public async Task Malformed_or_unknown_codes_get_a_polite_reply_with_the_valid_form(string text, string echoed)
    {
        var (reply, _) = await SayAsync(Chat, text);

        Assert.Contains(echoed, reply.Text);
        Assert.Contains("/subscribe TO", reply.Text);
        Assert.Equal(200, reply.StatusCode); // well-formed HTML even with user input in it
        Assert.False(Host.HasPendingRequest);
    }

    [Fact]
    public async Task Subscribe_without_a_code_explains_and_offers_the_regions()
    {
        var (reply, _) = await SayAsync(Chat, "/subscribe");

        Assert.Contains("/subscribe TO", reply.Text);
        Assert.Contains("r:0", CallbackData(reply));
        Assert.False(Host.HasPendingRequest);
    }

    [Fact]
    public async Task Unsubscribe_and_stop_publish_remove_requests()
    {
        await SayAsync(Chat, "/unsubscribe to");
        Assert.Equal(new SubscriptionRequest(Chat, "TO", SubscriptionOperation.Remove) { Language = Language.Italian }, await Host.NextRequestAsync());

        var (reply, _) = await SayAsync(Chat, "/STOP");
        Assert.Equal(new SubscriptionRequest(Chat, null, SubscriptionOperation.RemoveAll) { Language = Language.Italian }, await Host.NextRequestAsync());
        Assert.Contains("Non segui più nessuna provincia", reply.Text);
    }

    [Fact]
    public async Task List_shows_the_followed_provinces()
    {
        var (empty, _) = await SayAsync(Chat, "/list");
        Assert.Contains("Non segui ancora", empty.Text);

        await Host.Subscriptions.SubscribeAsync(Chat, "CA", Language.Italian, CancellationToken.None);
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, CancellationToken.None);
        var (list, _) = await SayAsync(Chat, "/list");
        Assert.Contains("Cagliari (CA)", list.Text);
        Assert.Contains("Torino (TO)", list.Text);
    }

    [Fact]
    public async Task Lang_en_switches_every_text_to_english_and_is_remembered()
    {
        var (italian, _) = await SayAsync(Chat, "/help");
        Assert.Contains("Comandi", italian.Text);

        var (set, _) = await SayAsync(Chat, "/lang en");
        Assert.Contains("Language set: English", set.Text);
        Assert.Equal(Language.English, await Host.Subscriptions.GetLanguageAsync(Chat, CancellationToken.None));

        var (start, _) = await SayAsync(Chat, "/start");
        Assert.Contains("Hi! I am PassportBot", start.Text);
        var (bad, _) = await SayAsync(Chat, "/subscribe QQ");
        Assert.Contains("is not a province code I know", bad.Text);

        await SayAsync(Chat, "/subscribe TO");
        Assert.Equal(Language.English, (await Host.NextRequestAsync()).Language);

        var (back, _) = await SayAsync(Chat, "/lang it");
        Assert.Contains("Lingua impostata", back.Text);
    }

    [Fact]
    public async Task Lang_with_an_unknown_language_explains_the_options()
    {
        var (reply, _) = await SayAsync(Chat, "/lang klingon");

        Assert.Contains("/lang en", reply.Text);
        Assert.Null(await Host.Subscriptions.GetLanguageAsync(Chat, CancellationToken.None));
    }

    [Fact]
    public async Task Unknown_commands_and_free_text_get_short_help()
    {
        var (unknown, _) = await SayAsync(Chat, "/frobnicate now");
        Assert.Contains("Non conosco questo comando", unknown.Text);
        Assert.DoesNotContain("frobnicate", unknown.Text);

        var (text, _) = await SayAsync(Chat, "ciao, quando ci sono posti?");
        Assert.Contains("/subscribe TO", text.Text);
    }

    [Fact]
    public async Task Huge_messages_are_answered_without_echoing_them()
    {
        var huge = new string('x', 60_000);

        var (free, _) = await SayAsync(Chat, huge);
        Assert.True(free.Text!.Length < 1000);

        var (command, _) = await SayAsync(Chat, "/subscribe " + huge);
        Assert.True(command.Text!.Length < 1000);
        Assert.Contains("«xxxxxxxxxxxx…»", command.Text);
        Assert.False(Host.HasPendingRequest);
    }
}

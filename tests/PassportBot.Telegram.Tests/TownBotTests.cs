using Microsoft.Extensions.DependencyInjection;
using PassportBot.Agenda;
using PassportBot.Agenda.Simulator.Hosting;

namespace PassportBot.Telegram.Tests;

/// <summary>/town and plain municipality names, answered through the agenda client from the agenda
/// simulator's endpoint C.</summary>
public sealed class TownBotTests : BotTestBase
{
    private const long Chat = 4004;

    protected override Task<TelegramTestHost> StartHostAsync() =>
        TelegramTestHost.StartAsync((services, config) =>
        {
            services.AddTelegramBot(config);
            services.AddAgendaClient(config);
            services.AddAgendaSimulator(config);
        }, new Dictionary<string, string?> { ["Simulator:PopulateProvinces:0"] = "TO", ["Simulator:PopulateDays"] = "1" }, captureSubscriptionRequests: true);

    [Theory]
    [InlineData("/town Carbonia", "<b>Carbonia</b> (SU) è servito dalla Questura di Cagliari (CA)")]
    [InlineData("carbonia", "<b>Carbonia</b> (SU) è servito dalla Questura di Cagliari (CA)")]
    [InlineData("/town vigodarzere", "<b>Vigodarzere</b> (PD) è servito dalla Questura di Padova (PD)")]
    public async Task A_single_match_names_the_questura_with_a_button_to_follow_it(string text, string expected)
    {
        var (reply, _) = await SayAsync(Chat, text);

        Assert.Contains(expected, reply.Text);
        Assert.Single(CallbackData(reply));
        Assert.StartsWith("s:", CallbackData(reply)[0]);
    }

    [Fact]
    public async Task The_follow_button_subscribes_to_the_serving_questura()
    {
        var (reply, _) = await SayAsync(Chat, "/town Carbonia");
        await PressAsync(Chat, CallbackData(reply)[0], reply.ResultMessageId!.Value);
        Assert.Equal("CA", (await Host.NextRequestAsync()).Province);
    }

    [Fact]
    public async Task Several_matches_give_a_choice()
    {
        await Host.Subscriptions.SetLanguageAsync(Chat, PassportBot.Domain.Language.English, CancellationToken.None);
        var (reply, _) = await SayAsync(Chat, "/town castel");

        Assert.Contains("Several municipalities match \"castel\"", reply.Text);
        var buttons = CallbackData(reply);
        Assert.True(buttons.Count > 1);
        Assert.All(buttons, b => Assert.StartsWith("p:", b));
    }

    [Fact]
    public async Task An_unknown_town_gets_a_polite_reply_and_plain_chatter_gets_the_help()
    {
        var (command, _) = await SayAsync(Chat, "/town Zzyzx");
        Assert.Contains("Non trovo nessun comune che si chiami «Zzyzx»", command.Text);

        var (chatter, _) = await SayAsync(Chat, "zzyzx");
        Assert.Contains("Usa i pulsanti", chatter.Text);

        var (usage, _) = await SayAsync(Chat, "/town");
        Assert.Contains("/town Moncalieri", usage.Text);
    }

    [Fact]
    public async Task Look_ups_are_limited_per_chat_so_chatter_cannot_drive_the_site_on_the_operators_session()
    {
        const long chatty = 4005, other = 4006;
        var calls = Host.Services.GetRequiredService<PassportBot.Agenda.Simulator.AgendaSimulator>().Calls;
        var before = calls.Count(PassportBot.Agenda.Simulator.Server.SimulatorEndpoint.MunicipalitySearch);

        for (var i = 0; i < PassportBot.Telegram.Bot.TownLookupLimiter.PerChatPerMinute; i++)
        {
            var (answer, _) = await SayAsync(chatty, "carbonia");
            Assert.Contains("Questura di Cagliari", answer.Text);
        }
        var (refused, _) = await SayAsync(chatty, "/town Carbonia");
        Assert.Contains("Troppe ricerche di comuni", refused.Text);
        var (chatter, _) = await SayAsync(chatty, "carbonia");
        Assert.Contains("Usa i pulsanti", chatter.Text);
        Assert.Equal(PassportBot.Telegram.Bot.TownLookupLimiter.PerChatPerMinute,
            calls.Count(PassportBot.Agenda.Simulator.Server.SimulatorEndpoint.MunicipalitySearch) - before);

        // Another chat is not held back by the first one.
        var (served, _) = await SayAsync(other, "/town Carbonia");
        Assert.Contains("Questura di Cagliari", served.Text);
    }
}

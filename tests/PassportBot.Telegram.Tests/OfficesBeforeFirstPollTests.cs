using Microsoft.Extensions.DependencyInjection;
using PassportBot.Agenda;
using PassportBot.Agenda.Simulator;
using PassportBot.Agenda.Simulator.Hosting;
using PassportBot.Domain;
using PassportBot.Storage;

namespace PassportBot.Telegram.Tests;

/// <summary><c>/offices</c> for a province no poll has recorded yet: the bot, composed with the agenda client as its
/// role is, reads the list from the agenda (the simulator's endpoint A), at most once per poll interval.</summary>
public sealed class OfficesBeforeFirstPollTests : BotTestBase
{
    private const long Chat = 5005;
    private static readonly CancellationToken None = CancellationToken.None;

    protected override Task<TelegramTestHost> StartHostAsync() =>
        TelegramTestHost.StartAsync((services, config) =>
        {
            services.AddTelegramBot(config);
            services.AddAgendaClient(config);
            services.AddAgendaSimulator(config);
        }, new Dictionary<string, string?> { ["Simulator:PopulateProvinces:0"] = "TO", ["Simulator:PopulateDays"] = "1" }, captureSubscriptionRequests: true);

    private AgendaSimulator Simulator => Host.Services.GetRequiredService<AgendaSimulator>();

    [Fact]
    public async Task The_offices_come_from_the_agenda_and_can_be_chosen_before_the_first_poll()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.Italian, None);
        Assert.Empty(await Host.Services.GetRequiredService<IOfficeDirectory>().GetOfficesAsync("TO", None));
        var codes = Simulator.World.OfficesIn("TO").Select(o => o.Code).Order(StringComparer.Ordinal).ToList();
        Assert.True(codes.Count >= 2);

        var (menu, _) = await SayAsync(Chat, "/offices TO");

        Assert.Contains("Uffici di Torino (TO)", menu.Text);
        foreach (var code in codes) Assert.Contains(code, menu.Text);
        var toggles = CallbackData(menu).Where(d => d.StartsWith("ot:", StringComparison.Ordinal)).ToList();
        Assert.Equal(codes.Count, toggles.Count);
        var calls = Simulator.Calls.OfficeListCalls("TO");
        Assert.True(calls > 0);

        await PressAsync(Chat, toggles[0], menu.ResultMessageId!.Value);
        var chosen = (await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes;
        Assert.Equal(codes.Skip(1), chosen!.Order(StringComparer.Ordinal));

        var (saved, _) = await SayAsync(Chat, "/offices TO " + codes[0].ToLowerInvariant());
        Assert.Contains("Per Torino (TO) ricevi ora: " + codes[0], saved.Text);
        Assert.Equal([codes[0]], (await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes!);

        // The list is read once per poll interval, however often the user asks.
        Assert.Equal(calls, Simulator.Calls.OfficeListCalls("TO"));
    }

    [Fact]
    public async Task When_the_agenda_refuses_the_reply_says_when_the_offices_will_be_known()
    {
        await Host.Subscriptions.SubscribeAsync(Chat, "TO", Language.English, None);
        await Host.Subscriptions.SetLanguageAsync(Chat, Language.English, None);
        Simulator.Faults.FailWithStatus(calls: int.MaxValue, status: 403);

        var (reply, _) = await SayAsync(Chat, "/offices TO");

        Assert.Contains("I do not know the offices of Torino (TO) yet: I see them at the province's first check, within a minute.", reply.Text);
    }
}

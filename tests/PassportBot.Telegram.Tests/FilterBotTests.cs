using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace PassportBot.Telegram.Tests;

/// <summary>Filters, offices and privacy through the real bot over the fake Bot API, in both languages.</summary>
public sealed class FilterBotTests : BotTestBase
{
    private const long Chat = 3003;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly Office Turin = new(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0));
    private static readonly Office Moncalieri = new(41, "TOPC01", "Commissariato Moncalieri", "Via Real Collegio 1", "Moncalieri", "TO", new TimeOnly(9, 0));

    private Task<SubscriberFilter> FilterAsync() => Host.Subscriptions.GetUserFilterAsync(Chat, None);

    private async Task FollowAsync(string province, Language language = Language.Italian) =>
        await Host.Subscriptions.SubscribeAsync(Chat, province, language, None);

    private async Task SeedTurinOfficesAsync()
    {
        var store = Host.Services.GetRequiredService<IAvailabilityStore>();
        await using var uow = await store.BeginAsync("TO", None);
        await uow.UpsertOfficesAsync([Turin, Moncalieri], None);
        await uow.CommitAsync(None);
    }

    private async Task UseLanguageAsync(string language)
    {
        if (language == "en") await Host.Subscriptions.SetLanguageAsync(Chat, Language.English, None);
    }

    [Theory]
    [InlineData("it", "/before 31/03/2099", "Filtro salvato", "fino al 31/03/2099")]
    [InlineData("en", "/before 2099-03-31", "Filter saved", "until 31/03/2099")]
    [InlineData("it", "/within 30", "Filtro salvato", "entro 30 giorni")]
    [InlineData("en", "/within 30", "Filter saved", "within 30 days")]
    [InlineData("it", "/minplaces 2", "Filtro salvato", "almeno 2 posti")]
    [InlineData("en", "/minplaces 2", "Filter saved", "at least 2 places")]
    [InlineData("it", "/days lun mar ven", "Filtro salvato", "solo lun, mar, ven")]
    [InlineData("en", "/days mon tue fri", "Filter saved", "only mon, tue, fri")]
    [InlineData("it", "/quiet 23-07", "Filtro salvato", "silenzioso 23-07")]
    [InlineData("en", "/quiet 23-07", "Filter saved", "silent 23-07")]
    [InlineData("it", "/gone on", "Filtro salvato", "avviso quando sparisce")]
    [InlineData("en", "/gone on", "Filter saved", "alert when gone")]
    public async Task Each_filter_command_is_stored_and_confirmed_in_the_users_language(string language, string command, string saved, string described)
    {
        await UseLanguageAsync(language);

        var (reply, _) = await SayAsync(Chat, command);

        Assert.Contains(saved, reply.Text);
        Assert.Contains(described, reply.Text);
        Assert.Equal(200, reply.StatusCode);
        var filter = await FilterAsync();
        var expected = command.Split(' ')[0] switch
        {
            "/before" => SubscriberFilter.None with { Before = new DateOnly(2099, 3, 31) },
            "/within" => SubscriberFilter.None with { WithinDays = 30 },
            "/minplaces" => SubscriberFilter.None with { MinPlaces = 2 },
            "/days" => SubscriberFilter.None with { Days = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Friday } },
            "/quiet" => SubscriberFilter.None with { Quiet = new QuietHours(23, 7) },
            _ => SubscriberFilter.None with { NotifyGone = true },
        };
        Assert.Equal(expected, filter);
    }

    [Theory]
    [InlineData("it", "/before 31/02/2099", "«31/02/2099» non è una data valida")]
    [InlineData("en", "/before 31/02/2099", "\"31/02/2099\" is not a valid date")]
    [InlineData("it", "/before 01/01/2001", "è già passato")]
    [InlineData("en", "/before 2001-01-01", "is already past")]
    [InlineData("it", "/within 0", "fuori dall'intervallo ammesso (1–366)")]
    [InlineData("en", "/within trenta", "is not a whole number")]
    [InlineData("it", "/minplaces 99", "fuori dall'intervallo ammesso (1–20)")]
    [InlineData("it", "/days lun funday", "Non riconosco il giorno «funday»")]
    [InlineData("en", "/days mon funday", "I do not know the day \"funday\"")]
    [InlineData("it", "/quiet 25-07", "non è un intervallo di ore")]
    [InlineData("en", "/gone maybe", "send on or off")]
    [InlineData("it", "/within", "/within 30")]
    [InlineData("en", "/days <b>x", "&lt;b&gt;")]
    public async Task Bad_filter_input_gets_a_clear_reply_and_changes_nothing(string language, string command, string expected)
    {
        await UseLanguageAsync(language);
        await Host.Subscriptions.SetUserFilterAsync(Chat, SubscriberFilter.None with { MinPlaces = 3 }, None);

        var (reply, _) = await SayAsync(Chat, command);

        Assert.Contains(expected, reply.Text);
        Assert.Equal(200, reply.StatusCode); // well-formed HTML with the user's input in it
        Assert.Equal(SubscriberFilter.None with { MinPlaces = 3 }, await FilterAsync());
    }

    [Fact]
    public async Task Off_clears_one_filter_and_keeps_the_others()
    {
        await SayAsync(Chat, "/within 30");
        await SayAsync(Chat, "/minplaces 2");
        var (reply, _) = await SayAsync(Chat, "/within off");

        Assert.Equal(SubscriberFilter.None with { MinPlaces = 2 }, await FilterAsync());
        Assert.DoesNotContain("entro", reply.Text);
    }

    [Fact]
    public async Task Combined_filters_show_on_one_line_per_province_and_reach_the_fan_out()
    {
        await FollowAsync("TO");
        await FollowAsync("MI");
        await SeedTurinOfficesAsync();
        await SayAsync(Chat, "/within 60");
        await SayAsync(Chat, "/minplaces 2");
        await SayAsync(Chat, "/days lun ven");
        await SayAsync(Chat, "/offices TO TOPQ60");

        var (list, _) = await SayAsync(Chat, "/list");

        var lines = list.Text!.Split('\n');
        Assert.Contains(lines, l => l.Contains("Torino (TO)") && l.Contains("uffici TOPQ60") && l.Contains("entro 60 giorni") && l.Contains("almeno 2 posti") && l.Contains("solo lun, ven"));
        Assert.Contains(lines, l => l.Contains("Milano (MI)") && !l.Contains("uffici") && l.Contains("entro 60 giorni"));

        var subscriber = (await Host.Subscriptions.ListSubscribersAsync("TO", None)).Single();
        var today = new DateOnly(2030, 1, 1); // a Tuesday
        var monday = new DateOnly(2030, 1, 7);
        Assert.True(subscriber.Filter.Accepts("TOPQ60", monday, new TimeOnly(9, 0), 2, today));
        Assert.False(subscriber.Filter.Accepts("TOPC01", monday, new TimeOnly(9, 0), 2, today));
        Assert.False(subscriber.Filter.Accepts("TOPQ60", monday, new TimeOnly(9, 0), 1, today));
        Assert.False(subscriber.Filter.Accepts("TOPQ60", monday.AddDays(1), new TimeOnly(9, 0), 2, today));
        Assert.False(subscriber.Filter.Accepts("TOPQ60", monday.AddDays(63), new TimeOnly(9, 0), 2, today));
    }

    [Theory]
    [InlineData("it", "I tuoi filtri", "Posti minimi")]
    [InlineData("en", "Your filters", "Minimum places")]
    public async Task Guided_buttons_change_every_filter(string language, string header, string minPlacesLabel)
    {
        await UseLanguageAsync(language);
        await FollowAsync("TO", language == "en" ? Language.English : Language.Italian);
        var (start, _) = await SayAsync(Chat, "/start");
        Assert.Contains("f", CallbackData(start));
        var (menu, _) = await SayAsync(Chat, "/filters");
        Assert.Contains(header, menu.Text);
        var id = menu.ResultMessageId!.Value;
        Assert.Equal(["fs:b", "fs:w", "fs:m", "fs:d", "fs:q", "fv:g:on", "o:TO", "fc", "m"], CallbackData(menu));

        var (_, withinCalls) = await PressAsync(Chat, "fs:w", id);
        Assert.Contains("fv:w:30", CallbackData(withinCalls.Single(c => c.Is("editMessageText"))));
        await PressAsync(Chat, "fv:w:30", id);
        Assert.Equal(30, (await FilterAsync()).WithinDays);

        var (_, minCalls) = await PressAsync(Chat, "fs:m", id);
        Assert.Contains(minPlacesLabel, minCalls.Single(c => c.Is("editMessageText")).Text);
        await PressAsync(Chat, "fv:m:3", id);
        await PressAsync(Chat, "fv:q:23-07", id);
        await PressAsync(Chat, "fv:g:on", id);

        // Days are toggled one by one, starting from "every day".
        await PressAsync(Chat, "fs:d", id);
        await PressAsync(Chat, "fv:d:0", id); // Sunday off
        var (_, satCalls) = await PressAsync(Chat, "fv:d:6", id); // Saturday off
        Assert.Contains("fv:d:1", CallbackData(satCalls.Single(c => c.Is("editMessageText"))));

        var filter = await FilterAsync();
        Assert.Equal(new SubscriberFilter
        {
            WithinDays = 30,
            MinPlaces = 3,
            Quiet = new QuietHours(23, 7),
            NotifyGone = true,
            Days = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday },
        }, filter);

        var (_, dateCalls) = await PressAsync(Chat, "fs:b", id);
        var firstDate = CallbackData(dateCalls.Single(c => c.Is("editMessageText"))).First();
        await PressAsync(Chat, firstDate, id);
        Assert.NotNull((await FilterAsync()).Before);

        var (_, clearCalls) = await PressAsync(Chat, "fc", id);
        Assert.Equal(SubscriberFilter.None, await FilterAsync());
        Assert.Contains(header, clearCalls.Single(c => c.Is("editMessageText")).Text);
    }

    [Theory]
    [InlineData("fv:w:999")]
    [InlineData("fv:w:030")]
    [InlineData("fv:w:-1")]
    [InlineData("fv:m:0")]
    [InlineData("fv:b:2099-02-30")]
    [InlineData("fv:b:31/03/2099")]
    [InlineData("fv:d:7")]
    [InlineData("fv:d:mon")]
    [InlineData("fv:q:07-07")]
    [InlineData("fv:q:23-7")]
    [InlineData("fv:g:yes")]
    [InlineData("fv:x:1")]
    [InlineData("fs:z")]
    [InlineData("fv")]
    [InlineData("o:XX")]
    [InlineData("o:SU")]
    [InlineData("ot:TO:topq60")]
    [InlineData("ot:TO:TOPQ60:extra")]
    [InlineData("ot:TO:NOPE99")]
    [InlineData("oa:TO'; DROP TABLE users;--")]
    [InlineData("E:now")]
    [InlineData("fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30fv:w:30")]
    public async Task Tampered_filter_buttons_get_a_polite_answer_and_change_nothing(string data)
    {
        await FollowAsync("TO");
        await SeedTurinOfficesAsync();
        await Host.Subscriptions.SetUserFilterAsync(Chat, SubscriberFilter.None with { MinPlaces = 2 }, None);
        var (menu, _) = await SayAsync(Chat, "/filters");

        var (answer, _) = await PressAsync(Chat, data, menu.ResultMessageId!.Value);

        Assert.Contains("non è più valido", answer.Argument("text"));
        Assert.Equal(SubscriberFilter.None with { MinPlaces = 2 }, await FilterAsync());
        Assert.Null((await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes);
        Assert.NotNull(await Host.Subscriptions.GetStoredUserAsync(Chat, None));
        var (after, _) = await SayAsync(Chat, "/list");
        Assert.Contains("Torino (TO)", after.Text);
    }

    [Fact]
    public async Task A_date_button_left_over_from_the_past_is_refused_politely()
    {
        var (menu, _) = await SayAsync(Chat, "/filters");
        var (answer, _) = await PressAsync(Chat, "fv:b:2001-01-01", menu.ResultMessageId!.Value);
        Assert.Contains("già passato", answer.Argument("text"));
        Assert.Null((await FilterAsync()).Before);
    }

    [Theory]
    [InlineData("it", "Uffici di Torino (TO)", "Non riconosco «XXPQ99» tra gli uffici", "Per Torino (TO) ricevi ora: TOPQ60", "tutti gli uffici")]
    [InlineData("en", "Offices of Torino (TO)", "«XXPQ99» is not an office of", "For Torino (TO) you now get: TOPQ60", "all offices")]
    public async Task Offices_are_chosen_by_command_or_toggle_and_unknown_codes_list_the_valid_ones(
        string language, string header, string unknown, string saved, string all)
    {
        await UseLanguageAsync(language);
        await FollowAsync("TO", language == "en" ? Language.English : Language.Italian);
        await SeedTurinOfficesAsync();

        var (menu, _) = await SayAsync(Chat, "/offices TO");
        Assert.Contains(header, menu.Text);
        Assert.Contains("Corso Vinzaglio 10", menu.Text);
        Assert.Equal(["ot:TO:TOPC01", "ot:TO:TOPQ60", "oa:TO", "f"], CallbackData(menu));

        var (bad, _) = await SayAsync(Chat, "/offices TO XXPQ99 TOPQ60");
        Assert.Contains(unknown, bad.Text);
        Assert.Contains("TOPC01", bad.Text);
        Assert.Null((await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes);

        var (ok, _) = await SayAsync(Chat, "/offices to topq60");
        Assert.Contains(saved, ok.Text);
        Assert.Equal(["TOPQ60"], (await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes!);

        // Toggling TOPC01 on makes both, which is every office: no restriction is stored.
        await PressAsync(Chat, "ot:TO:TOPC01", menu.ResultMessageId!.Value);
        Assert.Null((await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes);
        await PressAsync(Chat, "ot:TO:TOPQ60", menu.ResultMessageId!.Value);
        Assert.Equal(["TOPC01"], (await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes!);

        var (cleared, _) = await SayAsync(Chat, "/offices TO all");
        Assert.Contains(all, cleared.Text);
        Assert.Null((await Host.Subscriptions.GetSubscriberAsync(Chat, "TO", None))!.Filter.OfficeCodes);
    }

    [Fact]
    public async Task Offices_of_a_province_not_followed_or_not_yet_polled_get_a_polite_reply()
    {
        var (notFollowed, _) = await SayAsync(Chat, "/offices TO TOPQ60");
        Assert.Contains("Non segui Torino (TO)", notFollowed.Text);

        await FollowAsync("MI");
        var (unknown, _) = await SayAsync(Chat, "/offices MI MIPQ01");
        Assert.Contains("Non conosco ancora gli uffici di Milano (MI): li vedo al primo controllo della provincia, entro un minuto.", unknown.Text);

        var (badProvince, _) = await SayAsync(Chat, "/offices QQ");
        Assert.Contains("«QQ»", badProvince.Text);
    }

    [Theory]
    [InlineData("it", "Cosa conserva PassportBot", "Fatto: ho cancellato")]
    [InlineData("en", "What PassportBot stores", "Done: I erased")]
    public async Task Privacy_shows_what_is_stored_and_one_button_erases_all_of_it(string language, string header, string erased)
    {
        await UseLanguageAsync(language);
        await FollowAsync("TO", language == "en" ? Language.English : Language.Italian);
        await SeedTurinOfficesAsync();
        await SayAsync(Chat, "/offices TO TOPQ60");
        await SayAsync(Chat, "/within 30");

        var (privacy, _) = await SayAsync(Chat, "/privacy");
        Assert.Contains(header, privacy.Text);
        Assert.Contains(Chat.ToString(System.Globalization.CultureInfo.InvariantCulture), privacy.Text);
        Assert.Contains("TO (TOPQ60)", privacy.Text);
        Assert.Equal(["e"], CallbackData(privacy));

        var id = privacy.ResultMessageId!.Value;
        var (_, askCalls) = await PressAsync(Chat, "e", id);
        Assert.Equal(["E", "m"], CallbackData(askCalls.Single(c => c.Is("editMessageText"))));
        Assert.NotNull(await Host.Subscriptions.GetStoredUserAsync(Chat, None));

        var (_, eraseCalls) = await PressAsync(Chat, "E", id);
        Assert.Contains(erased, eraseCalls.Single(c => c.Is("editMessageText")).Text);
        Assert.Null(await Host.Subscriptions.GetStoredUserAsync(Chat, None));
        Assert.Empty(await Host.Subscriptions.ListSubscribersAsync("TO", None));

        var (nothing, _) = await SayAsync(Chat, "/privacy");
        Assert.Contains("Non conservo nessun dato", nothing.Text); // erased: back to the default language
    }
}

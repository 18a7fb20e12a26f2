using PassportBot.Domain.Texts;
using PassportBot.Domain;
using Telegram.Bot.Types.ReplyMarkups;

namespace PassportBot.Telegram.Bot;

/// <summary>The inline keyboards of the guided flows.</summary>
public static class BotKeyboards
{
    public static InlineKeyboardMarkup MainMenu(BotTexts t, Language language, bool followsAny)
    {
        var rows = new List<InlineKeyboardButton[]> { new[] { Button(t.ButtonSubscribe, CallbackAction.Regions) } };
        if (followsAny)
        {
            rows.Add([Button(TextCatalog.For(language).Filters.ButtonFilters, CallbackAction.Filters)]);
            rows.Add([Button(t.ButtonUnsubscribe, CallbackAction.UnsubscribeMenu)]);
            rows.Add([Button(t.ButtonRemoveAll, CallbackAction.RemoveAllAsk)]);
        }
        var other = language == Language.English ? Language.Italian : Language.English;
        rows.Add([Button(t.ButtonOtherLanguage, CallbackAction.SwitchLanguage(other))]);
        return new InlineKeyboardMarkup(rows);
    }

    public static InlineKeyboardMarkup RegionList(BotTexts t)
    {
        var buttons = ProvinceCatalog.Regions.Select((region, i) => Button(region, CallbackAction.Region(i)));
        return Grid(buttons, columns: 2, Button(t.ButtonBack, CallbackAction.Menu));
    }

    public static InlineKeyboardMarkup ProvinceList(BotTexts t, string region)
    {
        var buttons = ProvinceCatalog.InRegion(region).Select(p => Button($"{p.Name} ({p.Code})", CallbackAction.PickProvince(p)));
        return Grid(buttons, columns: 2, Button(t.ButtonBack, CallbackAction.Regions));
    }

    public static InlineKeyboardMarkup ConfirmSubscribe(BotTexts t, Province province, int regionIndex) => new(
    [
        [Button(t.ButtonYes, CallbackAction.Subscribe(province)), Button(t.ButtonNo, CallbackAction.Region(regionIndex))],
    ]);

    public static InlineKeyboardMarkup UnsubscribeList(BotTexts t, IEnumerable<string> questuraCodes)
    {
        var buttons = questuraCodes.Order(StringComparer.Ordinal).Select(code => Button(ProvinceNames.Display(code), CallbackAction.Unsubscribe(code)));
        return Grid(buttons, columns: 2, Button(t.ButtonBack, CallbackAction.Menu));
    }

    public static InlineKeyboardMarkup ConfirmRemoveAll(BotTexts t) => new(
    [
        [Button(t.ButtonYes, CallbackAction.RemoveAllConfirm), Button(t.ButtonNo, CallbackAction.Menu)],
    ]);

    public static InlineKeyboardMarkup BackToMenu(BotTexts t) => new([[Button(t.ButtonBack, CallbackAction.Menu)]]);

    private static InlineKeyboardButton Button(string text, CallbackAction action) =>
        InlineKeyboardButton.WithCallbackData(text, action.Encode());

    private static InlineKeyboardMarkup Grid(IEnumerable<InlineKeyboardButton> buttons, int columns, InlineKeyboardButton last)
    {
        var rows = buttons.Chunk(columns).ToList();
        rows.Add([last]);
        return new InlineKeyboardMarkup(rows);
    }
}

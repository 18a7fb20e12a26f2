using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Texts;
using PassportBot.Storage;
using Telegram.Bot.Types.ReplyMarkups;

namespace PassportBot.Telegram.Bot;

/// <summary>Filters, office choice, town lookup and privacy: the commands (/filters, /offices, /before,
/// /within, /minplaces, /days, /quiet, /gone, /town, /privacy) and their buttons. Filters are stored per
/// user, office restrictions per followed province; the fan-out reads them from the next poll on.</summary>
public sealed partial class FilterConversation(
    ISubscriptionStore subscriptions,
    OfficeLookup offices,
    BotReplies replies,
    TimeProvider time,
    IServiceProvider services,
    TownLookupLimiter townLimiter,
    ILogger<FilterConversation> logger)
{
    private const int MaxTownChoices = 8;
    private const int MaxTownLength = 40;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly int[] WithinChoices = [7, 14, 30, 60, 90];
    private static readonly int[] MinPlacesChoices = [2, 3, 4, 5];
    private static readonly int[] BeforeMonthChoices = [1, 2, 3, 6];
    private static readonly QuietHours[] QuietChoices = [new(22, 7), new(23, 7), new(0, 8)];

    public static IReadOnlySet<string> Commands { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "filters", "filtri", "offices", "uffici", "before", "within", "minplaces", "days", "quiet", "gone", "town", "comune", "privacy",
    };

    private DateOnly Today => RomeTime.Today(time);

    // ---------- commands ----------

    public async Task HandleCommandAsync(BotChat chat, SlashCommand command, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        switch (command.Name)
        {
            case "filters" or "filtri":
                var (html, keyboard) = await FiltersMenuAsync(chat, ct);
                await replies.SendAsync(chat.ChatId, html, keyboard, ct);
                break;
            case "before":
                var before = FilterInput.ParseBefore(command.Arguments, Today);
                await SetFromCommandAsync(chat, before.Error, t.UsageBefore, f => f with { Before = before.Value }, ct);
                break;
            case "within":
                var within = FilterInput.ParseWithin(command.Arguments);
                await SetFromCommandAsync(chat, within.Error, t.UsageWithin, f => f with { WithinDays = within.Value }, ct, 1, FilterInput.MaxWithinDays);
                break;
            case "minplaces":
                var min = FilterInput.ParseMinPlaces(command.Arguments);
                await SetFromCommandAsync(chat, min.Error, t.UsageMinPlaces, f => f with { MinPlaces = min.Value == 1 ? null : min.Value }, ct, 1, FilterInput.MaxMinPlaces);
                break;
            case "days":
                var days = FilterInput.ParseDays(command.Arguments);
                await SetFromCommandAsync(chat, days.Error, t.UsageDays, f => f with { Days = days.Value }, ct);
                break;
            case "quiet":
                var quiet = FilterInput.ParseQuiet(command.Arguments);
                await SetFromCommandAsync(chat, quiet.Error, t.UsageQuiet, f => f with { Quiet = quiet.Value }, ct);
                break;
            case "gone":
                var gone = FilterInput.ParseOnOff(command.Arguments);
                await SetFromCommandAsync(chat, gone.Error, t.UsageGone, f => f with { NotifyGone = gone.Value }, ct);
                break;
            case "offices" or "uffici":
                await OfficesCommandAsync(chat, command, ct);
                break;
            case "town" or "comune":
                if (command.Arguments.Trim().Length < 2) await ReplyAsync(chat, t.TownUsage, null, ct);
                else await TownAsync(chat, command.Arguments, fromFreeText: false, ct);
                break;
            case "privacy":
                await PrivacyAsync(chat, ct);
                break;
        }
    }

    /// <summary>A plain message that names a municipality gets the /town answer; false when it names none
    /// (or the lookup is unavailable), so the caller answers with the usual help.</summary>
    public Task<bool> TryTownAsync(BotChat chat, string text, CancellationToken ct)
    {
        var name = text.Trim();
        if (name.Length is < 2 or > MaxTownLength || !name.All(c => char.IsLetter(c) || c is ' ' or '\'' or '’' or '-' or '.'))
            return Task.FromResult(false);
        return TownAsync(chat, name, fromFreeText: true, ct);
    }

    /// <summary>/list: each followed province with its filters, one line each.</summary>
    public async Task<string> ProvinceListAsync(BotChat chat, CancellationToken ct)
    {
        var followed = await subscriptions.GetSubscriptionsAsync(chat.ChatId, ct);
        if (followed.Count == 0) return chat.Texts.NoProvinces;
        var user = await subscriptions.GetUserFilterAsync(chat.ChatId, ct);
        var t = TextCatalog.For(chat.Language).Filters;
        var sb = new StringBuilder(chat.Texts.YourProvinces);
        foreach (var s in followed)
        {
            var filter = user.WithOffices(s.OfficeCodes);
            sb.Append("\n• ").Append(BotConversation.Html(ProvinceNames.Display(s.Province)))
              .Append(" — ").Append(FilterDescriber.Describe(filter, t, includeOffices: true));
        }
        return sb.ToString();
    }

    private async Task SetFromCommandAsync(BotChat chat, FilterInputError? error, string usage, Func<SubscriberFilter, SubscriberFilter> change,
        CancellationToken ct, int min = 0, int max = 0)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        if (error is not null)
        {
            await ReplyAsync(chat, FilterDescriber.Error(error, t, usage, min, max), null, ct);
            return;
        }
        var filter = change(await subscriptions.GetUserFilterAsync(chat.ChatId, ct));
        await subscriptions.SetUserFilterAsync(chat.ChatId, filter, ct);
        var (menu, keyboard) = await FiltersMenuAsync(chat, ct);
        await ReplyAsync(chat, t.Saved + "\n\n" + menu, keyboard, ct);
    }

    // ---------- the filters menu ----------

    public async Task<(string Html, InlineKeyboardMarkup Keyboard)> FiltersMenuAsync(BotChat chat, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var user = await subscriptions.GetUserFilterAsync(chat.ChatId, ct);
        var followed = await subscriptions.GetSubscriptionsAsync(chat.ChatId, ct);
        var sb = new StringBuilder(t.FiltersHeader).Append('\n').Append(FilterDescriber.Describe(user, t, includeOffices: false));
        foreach (var s in followed)
        {
            sb.Append("\n• ").Append(BotConversation.Html(ProvinceNames.Display(s.Province))).Append(": ")
              .Append(s.OfficeCodes is { } codes ? BotConversation.Html(string.Join(", ", codes.Order(StringComparer.Ordinal))) : t.AllOffices);
        }
        sb.Append("\n\n").Append(t.FiltersFooter);

        var rows = new List<InlineKeyboardButton[]>
        {
            new[] { Button(t.LabelBefore, CallbackAction.FilterMenu(FilterField.Before)), Button(t.LabelWithin, CallbackAction.FilterMenu(FilterField.Within)) },
            new[] { Button(t.LabelMinPlaces, CallbackAction.FilterMenu(FilterField.MinPlaces)), Button(t.LabelDays, CallbackAction.FilterMenu(FilterField.Days)) },
            new[]
            {
                Button(t.LabelQuiet, CallbackAction.FilterMenu(FilterField.Quiet)),
                user.NotifyGone
                    ? Button(t.LabelGoneOn, CallbackAction.FilterValue(FilterField.Gone, "off"))
                    : Button(t.LabelGoneOff, CallbackAction.FilterValue(FilterField.Gone, "on")),
            },
        };
        rows.AddRange(followed.Select(s => s.Province).Chunk(2).Select(chunk => chunk
            .Select(p => Button(string.Format(Inv, t.LabelOffices, ProvinceNames.Display(p)), CallbackAction.Offices(p))).ToArray()));
        rows.Add([Button(t.ButtonClearAll, CallbackAction.FilterClear), Button(chat.Texts.ButtonBack, CallbackAction.Menu)]);
        return (sb.ToString(), new InlineKeyboardMarkup(rows));
    }

    private (string Html, InlineKeyboardMarkup Keyboard) FieldMenu(BotChat chat, char field, SubscriberFilter user)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var back = Button(chat.Texts.ButtonBack, CallbackAction.Filters);
        var off = Button(t.ButtonOff, CallbackAction.FilterValue(field, field == FilterField.Days ? "all" : "off"));
        switch (field)
        {
            case FilterField.Before:
                var dates = BeforeMonthChoices.Select(m => Today.AddMonths(m));
                return (Format(t.ChooseValue, t.LabelBefore, "<code>/before 31/03/2027</code>"),
                    Grid(dates.Select(d => Button(AvailabilityFormatter.Day(d), CallbackAction.FilterValue(field, d.ToString("yyyy-MM-dd", Inv))))
                        .Append(off), 2, back));
            case FilterField.Within:
                return (Format(t.ChooseValue, t.LabelWithin, "<code>/within 30</code>"),
                    Grid(WithinChoices.Select(n => Button(Format(t.WithinValue, n), CallbackAction.FilterValue(field, n.ToString(Inv)))).Append(off), 3, back));
            case FilterField.MinPlaces:
                return (Format(t.ChooseValue, t.LabelMinPlaces, "<code>/minplaces 2</code>"),
                    Grid(MinPlacesChoices.Select(n => Button(Format(t.MinPlacesValue, n), CallbackAction.FilterValue(field, n.ToString(Inv)))).Append(off), 3, back));
            case FilterField.Quiet:
                return (Format(t.ChooseValue, t.LabelQuiet, "<code>/quiet 23-07</code>"),
                    Grid(QuietChoices.Select(q => Button(q.ToString(), CallbackAction.FilterValue(field, q.ToString()))).Append(off), 2, back));
            default: // days: toggles
                var included = user.Days;
                var toggles = Weekdays.MondayFirst.Select(d =>
                    Button((included is null || included.Contains(d) ? "✅ " : "▫️ ") + t.DayName(d), CallbackAction.FilterValue(field, ((int)d).ToString(Inv))));
                return (t.DaysPrompt, Grid(toggles.Append(off), 4, back));
        }
    }

    // ---------- buttons ----------

    /// <summary>Handles a filter, office or privacy button; returns the short notice for the callback answer.</summary>
    public async Task<string?> ApplyAsync(BotChat chat, int messageId, CallbackAction action, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        switch (action.Kind)
        {
            case CallbackKind.Filters:
                await EditAsync(chat, messageId, await FiltersMenuAsync(chat, ct), ct);
                return null;

            case CallbackKind.FilterMenu:
                var user = await subscriptions.GetUserFilterAsync(chat.ChatId, ct);
                await EditAsync(chat, messageId, FieldMenu(chat, action.Argument![0], user), ct);
                return null;

            case CallbackKind.FilterValue:
                var (field, value) = action.FilterSetting;
                var current = await subscriptions.GetUserFilterAsync(chat.ChatId, ct);
                var (changed, notice) = Change(current, field, value, t);
                if (changed is null) return notice;
                await subscriptions.SetUserFilterAsync(chat.ChatId, changed, ct);
                // Day toggles stay on the day picker, so several days are chosen in a row.
                await EditAsync(chat, messageId, field == FilterField.Days && changed.Days is not null
                    ? FieldMenu(chat, field, changed)
                    : await FiltersMenuAsync(chat, ct), ct);
                return notice ?? "✅";

            case CallbackKind.FilterClear:
                var kept = await subscriptions.GetUserFilterAsync(chat.ChatId, ct);
                await subscriptions.SetUserFilterAsync(chat.ChatId, SubscriberFilter.None, ct);
                foreach (var s in await subscriptions.GetSubscriptionsAsync(chat.ChatId, ct))
                    if (s.OfficeCodes is not null) await subscriptions.SetOfficesAsync(chat.ChatId, s.Province, null, ct);
                await EditAsync(chat, messageId, await FiltersMenuAsync(chat, ct), ct);
                return kept.Equals(SubscriberFilter.None) ? null : t.Cleared;

            case CallbackKind.Offices:
                await EditAsync(chat, messageId, await OfficesMenuAsync(chat, action.Argument!, ct), ct);
                return null;

            case CallbackKind.OfficesAll:
                await subscriptions.SetOfficesAsync(chat.ChatId, action.Argument!, null, ct);
                await EditAsync(chat, messageId, await OfficesMenuAsync(chat, action.Argument!, ct), ct);
                return "✅";

            case CallbackKind.OfficeToggle:
                return await ToggleOfficeAsync(chat, messageId, action.OfficeSetting.Province, action.OfficeSetting.OfficeCode, ct);

            case CallbackKind.EraseAsk:
                await EditAsync(chat, messageId, (t.ConfirmErase, new InlineKeyboardMarkup(
                    [[Button(chat.Texts.ButtonYes, CallbackAction.EraseConfirm), Button(chat.Texts.ButtonNo, CallbackAction.Menu)]])), ct);
                return null;

            case CallbackKind.EraseConfirm:
                await subscriptions.EraseUserAsync(chat.ChatId, ct);
                LogErased();
                await replies.EditOrSendAsync(chat.ChatId, messageId, t.Erased, null, ct);
                return "🗑";

            default:
                return chat.Texts.ButtonExpired;
        }
    }

    /// <summary>The filter with one field changed, or null and a notice when the value is refused.</summary>
    private (SubscriberFilter? Filter, string? Notice) Change(SubscriberFilter f, char field, string value, FilterTexts t)
    {
        switch (field)
        {
            case FilterField.Before:
                var before = FilterInput.ParseBefore(value, Today);
                return before.IsValid ? (f with { Before = before.Value }, null) : (null, StripTags(FilterDescriber.Error(before.Error, t, "")));
            case FilterField.Within:
                return (f with { WithinDays = FilterInput.ParseWithin(value).Value }, null);
            case FilterField.MinPlaces:
                return (f with { MinPlaces = FilterInput.ParseMinPlaces(value).Value is { } n && n > 1 ? n : null }, null);
            case FilterField.Quiet:
                return (f with { Quiet = FilterInput.ParseQuiet(value).Value }, null);
            case FilterField.Gone:
                return (f with { NotifyGone = value == "on" }, null);
            default:
                if (value == "all") return (f with { Days = null }, null);
                var day = (DayOfWeek)(value[0] - '0');
                var days = (f.Days ?? Weekdays.MondayFirst.ToHashSet()).ToHashSet();
                if (!days.Remove(day)) days.Add(day);
                return (f with { Days = Weekdays.FromMask(Weekdays.ToMask(days)) }, days.Count == 0 ? t.DaysAtLeastOne : null);
        }
    }

    // ---------- offices ----------

    private async Task OfficesCommandAsync(BotChat chat, SlashCommand command, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var words = command.Codes(max: 40);
        if (words.Count == 0)
        {
            var followed = await subscriptions.GetProvincesAsync(chat.ChatId, ct);
            if (followed.Count == 1) await ReplyAsync(chat, await OfficesMenuAsync(chat, followed[0], ct), ct);
            else if (followed.Count == 0) await ReplyAsync(chat, t.OfficesUsage, null, ct);
            else await ReplyAsync(chat, t.OfficesChooseProvince, Grid(followed.Select(p => Button(ProvinceNames.Display(p), CallbackAction.Offices(p))), 2, null), ct);
            return;
        }
        if (!ProvinceCatalog.TryNormalize(words[0], out var province))
        {
            await ReplyAsync(chat, BotConversation.Format(chat.Texts.InvalidCodes, "«" + BotConversation.Html(Clip(words[0])) + "»") + "\n" + t.OfficesUsage, null, ct);
            return;
        }
        var shown = BotConversation.Html(ProvinceNames.Display(province));
        if (await subscriptions.GetSubscriberAsync(chat.ChatId, province, ct) is null)
        {
            await ReplyAsync(chat, Format(t.OfficesNotFollowed, shown, province), null, ct);
            return;
        }
        if (words.Count == 1)
        {
            await ReplyAsync(chat, await OfficesMenuAsync(chat, province, ct), ct);
            return;
        }

        var known = await offices.GetAsync(province, ct);
        var codes = words.Skip(1).Select(w => w.ToUpperInvariant()).ToList();
        if (codes is ["ALL"] or ["TUTTI"])
        {
            await subscriptions.SetOfficesAsync(chat.ChatId, province, null, ct);
            await ReplyAsync(chat, Format(t.OfficesSaved, shown, t.AllOffices), null, ct);
            return;
        }
        if (known.Count == 0)
        {
            await ReplyAsync(chat, NotKnownYet(t, shown), null, ct);
            return;
        }
        var valid = known.Select(o => o.Office.Code).ToHashSet(StringComparer.Ordinal);
        var unknown = codes.Where(c => !valid.Contains(c)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            var named = string.Join(", ", unknown.Take(3).Select(c => "«" + BotConversation.Html(Clip(c)) + "»"));
            var list = string.Join(", ", known.Select(o => $"<code>{BotConversation.Html(o.Office.Code)}</code>"));
            await ReplyAsync(chat, Format(t.OfficesUnknownCodes, named, shown, list), null, ct);
            return;
        }
        var chosen = codes.ToHashSet(StringComparer.Ordinal);
        await subscriptions.SetOfficesAsync(chat.ChatId, province, chosen.SetEquals(valid) ? null : chosen, ct);
        var description = chosen.SetEquals(valid) ? t.AllOffices : BotConversation.Html(string.Join(", ", chosen.Order(StringComparer.Ordinal)));
        await ReplyAsync(chat, Format(t.OfficesSaved, shown, description), null, ct);
    }

    private async Task<(string Html, InlineKeyboardMarkup Keyboard)> OfficesMenuAsync(BotChat chat, string province, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var shown = BotConversation.Html(ProvinceNames.Display(province));
        var back = Button(chat.Texts.ButtonBack, CallbackAction.Filters);
        var subscriber = await subscriptions.GetSubscriberAsync(chat.ChatId, province, ct);
        if (subscriber is null) return (Format(t.OfficesNotFollowed, shown, province), new InlineKeyboardMarkup([[back]]));
        var known = await offices.GetAsync(province, ct);
        if (known.Count == 0) return (NotKnownYet(t, shown), new InlineKeyboardMarkup([[back]]));

        var restriction = subscriber.Filter.OfficeCodes;
        var sb = new StringBuilder(Format(t.OfficesHeader, shown));
        var buttons = new List<InlineKeyboardButton>();
        foreach (var o in known)
        {
            var on = restriction is null || restriction.Contains(o.Office.Code);
            var free = o.FirstOpenDate is { } d ? Format(t.OfficeFirstFree, AvailabilityFormatter.Day(d)) : t.OfficeNoneFree;
            sb.Append('\n').Append(on ? "✅ " : "▫️ ").Append("<b>").Append(BotConversation.Html(o.Office.DisplayName)).Append("</b>\n   ")
              .Append(BotConversation.Html(o.Office.Address)).Append(" — ").Append(free);
            // Codes the button data cannot carry safely are listed but not offered as toggles.
            if (CallbackAction.IsOfficeCode(o.Office.Code))
                buttons.Add(Button((on ? "✅ " : "▫️ ") + o.Office.Code, CallbackAction.OfficeToggle(province, o.Office.Code)));
        }
        var rows = buttons.Chunk(3).ToList();
        rows.Add([Button(t.ButtonAllOffices, CallbackAction.OfficesAll(province)), back]);
        return (sb.ToString(), new InlineKeyboardMarkup(rows));
    }

    /// <summary>No poll has recorded the province yet and the agenda could not be read here: say when the list comes
    /// (the poller picks up a newly followed province at once, and polls each one within an interval).</summary>
    private string NotKnownYet(FilterTexts t, string shown)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(offices.PollInterval.TotalMinutes));
        return Format(t.OfficesNotKnownYet, shown, minutes == 1 ? t.OneMinute : Format(t.Minutes, minutes));
    }

    private async Task<string?> ToggleOfficeAsync(BotChat chat, int messageId, string province, string code, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var subscriber = await subscriptions.GetSubscriberAsync(chat.ChatId, province, ct);
        var known = (await offices.GetAsync(province, ct)).Select(o => o.Office.Code).ToHashSet(StringComparer.Ordinal);
        if (subscriber is null || !known.Contains(code))
        {
            // Not followed any more, or an office the province does not have (a stale or made-up button).
            await EditAsync(chat, messageId, await OfficesMenuAsync(chat, province, ct), ct);
            return chat.Texts.ButtonExpired;
        }
        var chosen = (subscriber.Filter.OfficeCodes ?? known).ToHashSet(StringComparer.Ordinal);
        if (!chosen.Remove(code)) chosen.Add(code);
        string? notice = "✅";
        if (chosen.Count == 0) notice = t.OfficesAtLeastOne;
        await subscriptions.SetOfficesAsync(chat.ChatId, province, chosen.Count == 0 || chosen.SetEquals(known) ? null : chosen, ct);
        await EditAsync(chat, messageId, await OfficesMenuAsync(chat, province, ct), ct);
        return notice;
    }

    // ---------- town ----------

    private async Task<bool> TownAsync(BotChat chat, string name, bool fromFreeText, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var wanted = name.Trim();
        if (wanted.Length > MaxTownLength) wanted = wanted[..MaxTownLength];
        if (!townLimiter.TryAcquire(chat.ChatId))
        {
            LogTownThrottled(chat.ChatId);
            if (!fromFreeText) await ReplyAsync(chat, t.TownTooMany, null, ct);
            return false;
        }
        IReadOnlyList<Municipality> found;
        try
        {
            // The agenda client exists only where a role polls or answers with it; resolved per use.
            var agenda = services.GetService<IAgendaClient>();
            if (agenda is null)
            {
                if (!fromFreeText) await ReplyAsync(chat, t.TownUnavailable, null, ct);
                return false;
            }
            found = await agenda.FindMunicipalityAsync(wanted, ct);
        }
        catch (Exception e) when (e is AgendaException or HttpRequestException or TimeoutException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogTownFailed(e.GetType().Name);
            if (!fromFreeText) await ReplyAsync(chat, t.TownUnavailable, null, ct);
            return false;
        }

        var usable = found.Where(m => ProvinceCatalog.TryGet(m.Province, out _) || ProvinceCatalog.ForQuestura(m.QuesturaProvince) is not null).ToList();
        var exact = usable.Where(m => string.Equals(m.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        var matches = exact.Count == 1 ? exact : usable;
        if (matches.Count == 0)
        {
            if (!fromFreeText) await ReplyAsync(chat, Format(t.TownNone, BotConversation.Html(wanted)), null, ct);
            return false;
        }
        if (matches.Count == 1)
        {
            var town = matches[0];
            var questura = QuesturaOf(town);
            var text = Format(t.TownServedBy, BotConversation.Html(TitleCase(town.Name)), BotConversation.Html(town.Province),
                BotConversation.Html(ProvinceNames.Display(questura)));
            var keyboard = ProvinceCatalog.TryGet(questura, out var province)
                ? new InlineKeyboardMarkup([[Button(Format(t.ButtonFollow, ProvinceNames.Display(province)), CallbackAction.Subscribe(province))]])
                : null;
            await ReplyAsync(chat, text, keyboard, ct);
            return true;
        }
        var choices = matches.Take(MaxTownChoices)
            .Select(m => (m, Province: ProvinceCatalog.TryGet(m.Province, out var p) ? p : ProvinceCatalog.ForQuestura(m.QuesturaProvince)))
            .Where(x => x.Province is not null)
            .Select(x => Button($"{TitleCase(x.m.Name)} ({x.m.Province})", CallbackAction.PickProvince(x.Province!)));
        await ReplyAsync(chat, Format(t.TownMany, BotConversation.Html(wanted)), Grid(choices, 1, null), ct);
        return true;
    }

    private static string QuesturaOf(Municipality town) =>
        ProvinceCatalog.TryNormalize(town.QuesturaProvince, out var q) ? q
        : ProvinceCatalog.TryNormalize(town.Province, out var p) ? p : town.QuesturaProvince;

    private static string TitleCase(string name) => CultureInfo.GetCultureInfo("it-IT").TextInfo.ToTitleCase(name.ToLowerInvariant());

    // ---------- privacy ----------

    private async Task PrivacyAsync(BotChat chat, CancellationToken ct)
    {
        var t = TextCatalog.For(chat.Language).Filters;
        var stored = await subscriptions.GetStoredUserAsync(chat.ChatId, ct);
        if (stored is null)
        {
            await ReplyAsync(chat, t.PrivacyNothing, null, ct);
            return;
        }
        var provinces = stored.Subscriptions.Count == 0 ? "—" : string.Join(", ", stored.Subscriptions.Select(s =>
            BotConversation.Html(s.Province) + (s.OfficeCodes is { } codes ? " (" + BotConversation.Html(string.Join(", ", codes.Order(StringComparer.Ordinal))) + ")" : "")));
        var joined = AvailabilityFormatter.Day(DateOnly.FromDateTime(RomeTime.ToRome(stored.JoinedAt)));
        var text = Format(t.Privacy, stored.ChatId, stored.Language.ToCode(), joined, provinces, FilterDescriber.Describe(stored.Filter, t, includeOffices: false));
        await ReplyAsync(chat, text, new InlineKeyboardMarkup([[Button(t.ButtonErase, CallbackAction.EraseAsk)]]), ct);
    }

    // ---------- helpers ----------

    private static string Clip(string s) => s.Length <= 12 ? s : s[..12] + "…";

    private static string StripTags(string html) => System.Text.RegularExpressions.Regex.Replace(html, "<[^>]+>", "").Trim();

    private static string Format(string template, params object[] values) => string.Format(Inv, template, values);

    private Task<bool> ReplyAsync(BotChat chat, string html, InlineKeyboardMarkup? keyboard, CancellationToken ct) =>
        replies.SendAsync(chat.ChatId, html, keyboard, ct);

    private Task<bool> ReplyAsync(BotChat chat, (string Html, InlineKeyboardMarkup Keyboard) message, CancellationToken ct) =>
        replies.SendAsync(chat.ChatId, message.Html, message.Keyboard, ct);

    private Task<bool> EditAsync(BotChat chat, int messageId, (string Html, InlineKeyboardMarkup Keyboard) message, CancellationToken ct) =>
        replies.EditOrSendAsync(chat.ChatId, messageId, message.Html, message.Keyboard, ct);

    private static InlineKeyboardButton Button(string text, CallbackAction action) =>
        InlineKeyboardButton.WithCallbackData(text, action.Encode());

    private static InlineKeyboardMarkup Grid(IEnumerable<InlineKeyboardButton> buttons, int columns, InlineKeyboardButton? last)
    {
        var rows = buttons.Chunk(columns).ToList();
        if (last is not null) rows.Add([last]);
        return new InlineKeyboardMarkup(rows);
    }

    // No chat id: the log must not keep what the user just asked to erase.
    [LoggerMessage(Level = LogLevel.Information, Message = "Erased every stored row of a chat at its request")]
    private partial void LogErased();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Municipality lookup failed: {Error}")]
    private partial void LogTownFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Municipality look-up refused for chat {ChatId}: too many look-ups this minute")]
    private partial void LogTownThrottled(long chatId);
}

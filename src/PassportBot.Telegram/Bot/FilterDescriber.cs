using System.Globalization;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Texts;

namespace PassportBot.Telegram.Bot;

/// <summary>Filters in words, one line, HTML-encoded: "entro 30 giorni · almeno 2 posti · solo lun, ven".</summary>
public static class FilterDescriber
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Describe(SubscriberFilter filter, FilterTexts t, bool includeOffices)
    {
        var parts = new List<string>();
        if (includeOffices && filter.OfficeCodes is { } codes)
            parts.Add(string.Format(Inv, t.OfficesOnly, BotConversation.Html(string.Join(", ", codes.Order(StringComparer.Ordinal)))));
        if (filter.Before is { } before) parts.Add(string.Format(Inv, t.Before, AvailabilityFormatter.Day(before)));
        if (filter.WithinDays is { } within) parts.Add(string.Format(Inv, t.Within, within));
        if (filter.MinPlaces is { } min) parts.Add(string.Format(Inv, t.MinPlaces, min));
        if (filter.Days is { } days) parts.Add(string.Format(Inv, t.Days, DayList(days, t)));
        if (filter.Quiet is { } quiet) parts.Add(string.Format(Inv, t.Quiet, quiet.ToString()));
        if (filter.NotifyGone) parts.Add(t.Gone);
        return parts.Count == 0 ? t.NoFilter : string.Join(" · ", parts);
    }

    public static string DayList(IReadOnlySet<DayOfWeek> days, FilterTexts t) =>
        string.Join(", ", Weekdays.MondayFirst.Where(days.Contains).Select(t.DayName));

    /// <summary>The reply for a refused argument: what was wrong, then how to write it.</summary>
    public static string Error(FilterInputError error, FilterTexts t, string usage, int min = 0, int max = 0)
    {
        var input = BotConversation.Html(error.Input);
        var what = error.Kind switch
        {
            FilterInputErrorKind.Missing => null,
            FilterInputErrorKind.NotADate => string.Format(Inv, t.ErrorNotADate, input),
            FilterInputErrorKind.DateInPast => string.Format(Inv, t.ErrorDateInPast, input),
            FilterInputErrorKind.NotANumber => string.Format(Inv, t.ErrorNotANumber, input),
            FilterInputErrorKind.OutOfRange => string.Format(Inv, t.ErrorOutOfRange, input, min, max),
            FilterInputErrorKind.UnknownDay => string.Format(Inv, t.ErrorUnknownDay, input),
            FilterInputErrorKind.NotHours => string.Format(Inv, t.ErrorNotHours, input),
            FilterInputErrorKind.NotOnOff => string.Format(Inv, t.ErrorNotOnOff, input),
            _ => null,
        };
        return what is null ? usage : what + "\n" + usage;
    }
}

using System.Globalization;
using System.Text;

namespace PassportBot.Domain.Filters;

/// <summary>Parses what users type after /before, /within, /minplaces, /days, /quiet and /gone,
/// in Italian or English. "off" (and its synonyms) gives a null value: the restriction is cleared.</summary>
public static class FilterInput
{
    public const int MaxWithinDays = 366;
    public const int MaxMinPlaces = 20;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-M-d", "dd/MM/yyyy", "d/M/yyyy", "dd-MM-yyyy", "d-M-yyyy", "dd.MM.yyyy", "d.M.yyyy",
    ];

    private static readonly HashSet<string> OffWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "off", "no", "nessuno", "nessuna", "none", "clear", "reset", "cancella", "spento", "disattiva", "-",
    };

    private static readonly HashSet<string> OnWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "on", "si", "sì", "yes", "acceso", "attiva", "true",
    };

    private static readonly HashSet<string> AllDaysWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "tutti", "tutto", "sempre", "any", "every", "off", "none", "clear", "reset",
    };

    private static readonly Dictionary<string, DayOfWeek> DayWords = BuildDayWords();

    /// <summary>/before 2027-03-31, 31/03/2027 or off.</summary>
    public static FilterInputResult<DateOnly?> ParseBefore(string? text, DateOnly todayInRome)
    {
        var input = Normalize(text);
        if (input.Length == 0) return FilterInputResult<DateOnly?>.Fail(FilterInputErrorKind.Missing, input);
        if (OffWords.Contains(input)) return FilterInputResult<DateOnly?>.Ok(null);
        if (!DateOnly.TryParseExact(input, DateFormats, Inv, DateTimeStyles.None, out var date))
            return FilterInputResult<DateOnly?>.Fail(FilterInputErrorKind.NotADate, input);
        return date < todayInRome
            ? FilterInputResult<DateOnly?>.Fail(FilterInputErrorKind.DateInPast, input)
            : FilterInputResult<DateOnly?>.Ok(date);
    }

    /// <summary>/within 30 (1 to <see cref="MaxWithinDays"/>) or off.</summary>
    public static FilterInputResult<int?> ParseWithin(string? text) => ParseCount(text, 1, MaxWithinDays);

    /// <summary>/minplaces 2 (1 to <see cref="MaxMinPlaces"/>) or off.</summary>
    public static FilterInputResult<int?> ParseMinPlaces(string? text) => ParseCount(text, 1, MaxMinPlaces);

    /// <summary>/days lun mar ven, mon tue fri, lun-ven, or all. Seven days are the same as all (null).</summary>
    public static FilterInputResult<IReadOnlySet<DayOfWeek>?> ParseDays(string? text)
    {
        var input = Normalize(text);
        if (input.Length == 0) return FilterInputResult<IReadOnlySet<DayOfWeek>?>.Fail(FilterInputErrorKind.Missing, input);
        if (AllDaysWords.Contains(input)) return FilterInputResult<IReadOnlySet<DayOfWeek>?>.Ok(null);
        var days = new HashSet<DayOfWeek>();
        foreach (var token in input.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var range = token.Split('-');
            if (range.Length == 2 && DayOf(range[0]) is { } first && DayOf(range[1]) is { } last)
            {
                // lun-ven: Monday-first order, wrapping past Sunday (sab-lun is Saturday, Sunday, Monday).
                var i = MondayIndex(first);
                for (var n = 0; n < 7; n++)
                {
                    var d = Weekdays.MondayFirst[(i + n) % 7];
                    days.Add(d);
                    if (d == last) break;
                }
            }
            else if (DayOf(token) is { } day) days.Add(day);
            else return FilterInputResult<IReadOnlySet<DayOfWeek>?>.Fail(FilterInputErrorKind.UnknownDay, token);
        }
        return FilterInputResult<IReadOnlySet<DayOfWeek>?>.Ok(Weekdays.FromMask(Weekdays.ToMask(days)));
    }

    /// <summary>/quiet 23-07 (also 23:00-07:00) or off.</summary>
    public static FilterInputResult<QuietHours?> ParseQuiet(string? text)
    {
        var input = Normalize(text);
        if (input.Length == 0) return FilterInputResult<QuietHours?>.Fail(FilterInputErrorKind.Missing, input);
        if (OffWords.Contains(input)) return FilterInputResult<QuietHours?>.Ok(null);
        var parts = input.Replace(" ", "", StringComparison.Ordinal).Split('-');
        if (parts.Length == 2 && Hour(parts[0]) is { } from && Hour(parts[1]) is { } to && from != to)
            return FilterInputResult<QuietHours?>.Ok(new QuietHours(from, to));
        return FilterInputResult<QuietHours?>.Fail(FilterInputErrorKind.NotHours, input);
    }

    /// <summary>/gone on|off (also sì/no, yes/no).</summary>
    public static FilterInputResult<bool> ParseOnOff(string? text)
    {
        var input = Normalize(text);
        if (input.Length == 0) return FilterInputResult<bool>.Fail(FilterInputErrorKind.Missing, input);
        if (OnWords.Contains(input)) return FilterInputResult<bool>.Ok(true);
        if (OffWords.Contains(input)) return FilterInputResult<bool>.Ok(false);
        return FilterInputResult<bool>.Fail(FilterInputErrorKind.NotOnOff, input);
    }

    /// <summary>The weekday a word names (lun, lunedì, mon, monday, ...), or null.</summary>
    public static DayOfWeek? DayOf(string word) =>
        DayWords.TryGetValue(StripAccents(word.Trim().TrimEnd('.')), out var day) ? day : null;

    private static FilterInputResult<int?> ParseCount(string? text, int min, int max)
    {
        var input = Normalize(text);
        if (input.Length == 0) return FilterInputResult<int?>.Fail(FilterInputErrorKind.Missing, input);
        if (OffWords.Contains(input)) return FilterInputResult<int?>.Ok(null);
        if (!int.TryParse(input, NumberStyles.None, Inv, out var n))
            return input.Length <= 9 && long.TryParse(input, NumberStyles.AllowLeadingSign, Inv, out _)
                ? FilterInputResult<int?>.Fail(FilterInputErrorKind.OutOfRange, input)
                : FilterInputResult<int?>.Fail(FilterInputErrorKind.NotANumber, input);
        return n < min || n > max
            ? FilterInputResult<int?>.Fail(FilterInputErrorKind.OutOfRange, input)
            : FilterInputResult<int?>.Ok(n);
    }

    private static int? Hour(string text)
    {
        var h = text.EndsWith(":00", StringComparison.Ordinal) ? text[..^3] : text;
        if (h.Length is 0 or > 2 || !int.TryParse(h, NumberStyles.None, Inv, out var hour) || hour > 24) return null;
        return hour % 24; // 24 is midnight, as people write "22-24"
    }

    private static int MondayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    private static string Normalize(string? text) => (text ?? string.Empty).Trim().ToLowerInvariant();

    private static string StripAccents(string word)
    {
        var sb = new StringBuilder(word.Length);
        foreach (var c in word.Normalize(NormalizationForm.FormD))
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) sb.Append(char.ToLowerInvariant(c));
        return sb.ToString();
    }

    private static Dictionary<string, DayOfWeek> BuildDayWords()
    {
        var words = new Dictionary<string, DayOfWeek>(StringComparer.Ordinal);
        void Add(DayOfWeek day, params string[] names)
        {
            foreach (var n in names) words[n] = day;
        }
        Add(DayOfWeek.Monday, "lun", "lunedi", "mon", "monday");
        Add(DayOfWeek.Tuesday, "mar", "martedi", "tue", "tues", "tuesday");
        Add(DayOfWeek.Wednesday, "mer", "mercoledi", "wed", "wednesday");
        Add(DayOfWeek.Thursday, "gio", "giovedi", "thu", "thur", "thurs", "thursday");
        Add(DayOfWeek.Friday, "ven", "venerdi", "fri", "friday");
        Add(DayOfWeek.Saturday, "sab", "sabato", "sat", "saturday");
        Add(DayOfWeek.Sunday, "dom", "domenica", "sun", "sunday");
        return words;
    }
}

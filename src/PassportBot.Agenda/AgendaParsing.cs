using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using PassportBot.Domain;

namespace PassportBot.Agenda;

/// <summary>The agenda site's field formats, in one place.</summary>
public static class AgendaParsing
{
    /// <summary>"TOPQ60 - Questura di Torino" → "Questura di Torino"; a description without the code prefix is
    /// returned as is.</summary>
    public static string OfficeName(string? description, string? code)
    {
        var text = description?.Trim() ?? "";
        if (text.Length == 0) return code?.Trim() ?? "";
        var dash = text.IndexOf(" - ", StringComparison.Ordinal);
        if (dash > 0)
        {
            var prefix = text[..dash].Trim();
            if (string.IsNullOrEmpty(code) || prefix.Equals(code.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                var name = text[(dash + 3)..].Trim();
                if (name.Length > 0) return name;
            }
        }
        return text;
    }

    /// <summary>The office code from "TOPQ60 - Questura di Torino" when <c>codice</c> is missing.</summary>
    public static string OfficeCode(string? code, string? description)
    {
        if (!string.IsNullOrWhiteSpace(code)) return code.Trim();
        var text = description?.Trim() ?? "";
        var dash = text.IndexOf(" - ", StringComparison.Ordinal);
        return dash > 0 ? text[..dash].Trim() : "";
    }

    /// <summary>"9.00", "09.00", "17.30" (also "17:30") → a time of day.</summary>
    public static bool TryParseTime(string? text, out TimeOnly time)
    {
        time = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim();
        var sep = t.IndexOfAny(['.', ':']);
        if (sep <= 0 || sep > 2 || t.Length - sep - 1 != 2) return false;
        if (!int.TryParse(t.AsSpan(0, sep), NumberStyles.None, CultureInfo.InvariantCulture, out var h)) return false;
        if (!int.TryParse(t.AsSpan(sep + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var m)) return false;
        if (h > 23 || m > 59) return false;
        time = new TimeOnly(h, m);
        return true;
    }

    /// <summary>An ISO date-time from the site ("2023-12-19T00:00:00Z") → the Rome calendar day it falls on.
    /// Without an offset the date is taken as written. Null or unreadable: null.</summary>
    public static DateOnly? ParseFirstDate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var t = text.Trim();
        var hasOffset = t.EndsWith('Z') || t.EndsWith('z') || HasNumericOffset(t);
        if (hasOffset && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
            return DateOnly.FromDateTime(RomeTime.ToRome(instant));
        if (DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return DateOnly.FromDateTime(local);
        return null;
    }

    /// <summary>The <c>dataRiferimento</c> of endpoint B for the month holding <paramref name="month"/>.</summary>
    public static string MonthReference(DateOnly month) =>
        string.Create(CultureInfo.InvariantCulture, $"{new DateOnly(month.Year, month.Month, 1):yyyy-MM-dd}T00:00:00Z");

    /// <summary>Endpoint B's <c>objectKey</c>, "40||_||19/12/2023||_||17.00", as a fallback for day and time.</summary>
    public static bool TryParseObjectKey(string? objectKey, [NotNullWhen(true)] out (int OfficeId, DateOnly Date, TimeOnly Time)? parts)
    {
        parts = null;
        if (string.IsNullOrWhiteSpace(objectKey)) return false;
        var p = objectKey.Split("||_||");
        if (p.Length != 3) return false;
        if (!int.TryParse(p[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return false;
        if (!DateOnly.TryParseExact(p[1], "dd/MM/yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return false;
        if (!TryParseTime(p[2], out var time)) return false;
        parts = (id, date, time);
        return true;
    }

    /// <summary>Free places of a slot. The site's meaning of <c>totAppuntamenti</c> is unconfirmed, so this is the
    /// single switch point (<see cref="AgendaOptions.PlacesMode"/>).</summary>
    public static int FreePlaces(int? total, int? taken, PlacesMode mode) => mode switch
    {
        PlacesMode.Total => total ?? 0,
        PlacesMode.TotalMinusTaken => (total ?? 0) - (taken ?? 0),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static bool HasNumericOffset(string t)
    {
        var timeStart = t.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        if (timeStart < 0) return false;
        return t.IndexOf('+', timeStart) > 0 || t.IndexOf('-', timeStart) > 0;
    }
}

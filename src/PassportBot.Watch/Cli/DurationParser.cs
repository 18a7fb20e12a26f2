using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PassportBot.Watch.Cli;

/// <summary>Durations as people type them: "45s", "2m", "1h", "500ms", "1m30s", or "00:00:45".</summary>
public static class DurationParser
{
    public static bool TryParse(string? text, [NotNullWhen(true)] out TimeSpan? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToLowerInvariant();
        if (s.Contains(':'))
        {
            if (!TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var span)) return false;
            value = span;
            return true;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start || !double.TryParse(s[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            TimeSpan? part = s[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "" or "s" or "sec" => TimeSpan.FromSeconds(number),
                "m" or "min" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => null,
            };
            if (part is null) return false;
            total += part.Value;
        }
        value = total;
        return true;
    }
}

using System.Globalization;
using PassportBot.Domain;
using PassportBot.Domain.Texts;

namespace PassportBot.Watch.Output;

/// <summary>How a user refreshes the two tokens, in words a non-developer can follow.</summary>
public static class SessionHelp
{
    public static IReadOnlyList<string> Steps(WatchTexts t, string? cookieFile, string? csrfFile)
    {
        ArgumentNullException.ThrowIfNull(t);
        return
        [
            string.Format(CultureInfo.InvariantCulture, t.SessionStep1, AvailabilityFormatter.BookingUrl),
            t.SessionStep2,
            string.Format(CultureInfo.InvariantCulture, t.SessionStep3, Describe(cookieFile, t.CookieFileFallback), Describe(csrfFile, t.CsrfFileFallback)),
        ];
    }

    private static string Describe(string? path, string fallback) =>
        string.IsNullOrWhiteSpace(path) ? fallback : Path.GetFullPath(path);
}

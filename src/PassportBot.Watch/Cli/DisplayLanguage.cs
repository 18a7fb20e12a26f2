using System.Globalization;
using PassportBot.Domain;

namespace PassportBot.Watch.Cli;

/// <summary>The language the command line speaks to the person at the terminal: <c>--lang it|en</c> when given,
/// otherwise the system's (Italian when it is Italian, English otherwise).</summary>
public static class DisplayLanguage
{
    public const string Option = "--lang";

    /// <summary>The value of the last <c>--lang xx</c> / <c>--lang=xx</c> among the arguments, or null. Read before
    /// parsing because the help texts are chosen when the commands are built.</summary>
    public static string? FromArguments(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? value = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--") break;
            if (args[i] == Option && i + 1 < args.Count) value = args[++i];
            else if (args[i].StartsWith(Option + "=", StringComparison.Ordinal) || args[i].StartsWith(Option + ":", StringComparison.Ordinal))
                value = args[i][(Option.Length + 1)..];
        }
        return value;
    }

    /// <summary>POSIX precedence (LC_ALL, then LC_MESSAGES, then LANG; empty counts as unset), then the UI culture
    /// .NET found (on Windows the user's display language). "C" and "POSIX" are English.</summary>
    public static Language FromSystem(Func<string, string?> environment, CultureInfo uiCulture)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(uiCulture);
        foreach (var name in (string[])["LC_ALL", "LC_MESSAGES", "LANG"])
        {
            if (environment(name) is { Length: > 0 } value)
                return value.StartsWith("it", StringComparison.OrdinalIgnoreCase) ? Language.Italian : Language.English;
        }
        return uiCulture.TwoLetterISOLanguageName == "it" ? Language.Italian : Language.English;
    }

    /// <summary><c>--lang</c> when it names a language we speak, otherwise the system's. An unknown <c>--lang</c> is
    /// reported by the command that owns the option; until then the system's language is used.</summary>
    public static Language Resolve(IReadOnlyList<string> args, Func<string, string?> environment, CultureInfo uiCulture) =>
        LanguageCodes.TryParse(FromArguments(args), out var chosen) ? chosen : FromSystem(environment, uiCulture);

    /// <summary>The culture whose resources System.CommandLine uses for its own words ("Usage:", "Options:").</summary>
    public static CultureInfo Culture(Language language) =>
        language == Language.Italian ? CultureInfo.GetCultureInfo("it-IT") : CultureInfo.InvariantCulture;
}

namespace PassportBot.Domain;

/// <summary>Languages the bot speaks. Italian is the default.</summary>
public enum Language
{
    Italian = 0,
    English = 1,
}

public static class LanguageCodes
{
    public static string ToCode(this Language language) => language == Language.English ? "en" : "it";

    public static bool TryParse(string? code, out Language language)
    {
        switch (code?.Trim().ToLowerInvariant())
        {
            case "it" or "ita" or "italiano" or "italian": language = Language.Italian; return true;
            case "en" or "eng" or "english" or "inglese": language = Language.English; return true;
            default: language = Language.Italian; return false;
        }
    }
}

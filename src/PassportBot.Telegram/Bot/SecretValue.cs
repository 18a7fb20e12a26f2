using PassportBot.Agenda.Credentials;

namespace PassportBot.Telegram.Bot;

public enum SecretProblem
{
    Empty,
    TooLong,
    ControlCharacters,
}

/// <summary>A credential pasted in the bot, cleaned exactly like the token files (<see cref="CredentialText.Normalize"/>:
/// line breaks and blanks around them removed, a leading header name dropped), then checked: a value that cannot be
/// a header is refused rather than stored and failing every poll.</summary>
public readonly record struct SecretValue(string? Text, SecretProblem? Problem)
{
    /// <summary>A Cookie header is a few kilobytes; browsers cap one cookie at 4 KB.</summary>
    public const int MaxLength = 8 * 1024;

    public static SecretValue Clean(string? raw, string headerName)
    {
        var text = CredentialText.Normalize(raw, headerName);
        if (text is null) return new SecretValue(null, SecretProblem.Empty);
        if (text.Length > MaxLength) return new SecretValue(null, SecretProblem.TooLong);
        // Tabs and other control characters cannot travel in a header value (line breaks were already joined).
        if (text.Any(char.IsControl)) return new SecretValue(null, SecretProblem.ControlCharacters);
        return new SecretValue(text, null);
    }
}

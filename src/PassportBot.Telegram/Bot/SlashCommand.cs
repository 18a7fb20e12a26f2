using System.Diagnostics.CodeAnalysis;

namespace PassportBot.Telegram.Bot;

/// <summary>A slash command: "/Subscribe@SomeBot  to mi" → name "subscribe", arguments "to mi".</summary>
public sealed record SlashCommand(string Name, string Arguments)
{
    private const int MaxNameLength = 32;

    public static bool TryParse(string? text, [NotNullWhen(true)] out SlashCommand? command)
    {
        command = null;
        if (text is null) return false;
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length < 2 || trimmed[0] != '/') return false;
        var end = trimmed.IndexOfAny(" \t\r\n");
        var token = end < 0 ? trimmed[1..] : trimmed[1..end];
        var at = token.IndexOf('@');
        if (at >= 0) token = token[..at];
        if (token.Length is 0 or > MaxNameLength) return false;
        var arguments = end < 0 ? string.Empty : trimmed[end..].Trim().ToString();
        command = new SlashCommand(token.ToString().ToLowerInvariant(), arguments);
        return true;
    }

    /// <summary>Province codes in the arguments, split on blanks and commas (at most <paramref name="max"/>).</summary>
    public IReadOnlyList<string> Codes(int max = 10) =>
        Arguments.Split([' ', ',', ';', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Take(max).ToArray();
}

namespace PassportBot.Agenda.Credentials;

/// <summary>Cleans a header value the user copied from the browser's developer tools.</summary>
public static class CredentialText
{
    /// <summary>Trims blanks and line breaks (joining wrapped lines) and drops a leading "<paramref name="headerName"/>:"
    /// the user may have copied along. Returns null when nothing is left.</summary>
    public static string? Normalize(string? raw, string headerName)
    {
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var text = string.Concat(raw.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(line => line.Trim())).Trim();
        var prefix = headerName + ":";
        if (headerName.Length > 0 && text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) text = text[prefix.Length..].Trim();
        return text.Length == 0 ? null : text;
    }
}

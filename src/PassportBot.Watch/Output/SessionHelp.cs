namespace PassportBot.Watch.Output;

/// <summary>How a user refreshes the two tokens, in words a non-developer can follow.</summary>
public static class SessionHelp
{
    public static IReadOnlyList<string> Steps(string? cookieFile, string? csrfFile) =>
    [
        "1. Log in to the agenda site with SPID: https://passaportonline.poliziadistato.it/",
        "2. Open the browser's developer tools (F12) → Network, click any request to the site (e.g. pick a province) and look at its Request Headers.",
        $"3. Copy the value of the Cookie header into {Describe(cookieFile, "the cookie file")} and the value of X-CSRF-TOKEN into {Describe(csrfFile, "the CSRF token file")}.",
    ];

    public static string Resume => "PassportBot notices the new files by itself and goes on watching; no need to restart.";

    private static string Describe(string? path, string fallback) =>
        string.IsNullOrWhiteSpace(path) ? fallback : Path.GetFullPath(path);
}

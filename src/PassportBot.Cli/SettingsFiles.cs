using System.Text.Json;

namespace PassportBot.Cli;

/// <summary>The appsettings.json files a command reads, and a check that each one that exists is readable JSON.
/// The configuration providers would throw with a stack trace; this names the file, line and position.</summary>
internal static class SettingsFiles
{
    public static IReadOnlyList<string> For(string environment) =>
    [
        Path.Combine(AppContext.BaseDirectory, "appsettings.json"),
        Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"),
        Path.Combine(Directory.GetCurrentDirectory(), $"appsettings.{environment}.json"),
    ];

    /// <summary>Throws <see cref="StartupConfigurationException"/> with one line per unreadable file.</summary>
    public static void ThrowIfBroken(IEnumerable<string> paths)
    {
        var failures = paths.Distinct(StringComparer.Ordinal).Select(Problem).OfType<string>().ToArray();
        if (failures.Length > 0) throw new StartupConfigurationException(failures);
    }

    internal static string? Problem(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            // The same leniency as the JSON configuration provider: comments and trailing commas are allowed.
            using var document = JsonDocument.Parse(File.ReadAllBytes(path),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? null
                : $"Configuration error: {path} must hold one JSON object ({{ \"Section\": {{ \"Key\": value }} }}), not a {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.";
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine count from 0; editors count from 1.
            var line = (e.LineNumber ?? 0) + 1;
            var position = (e.BytePositionInLine ?? 0) + 1;
            return $"Configuration error: {path} is not valid JSON at line {line}, position {position}: {Reason(e)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"Configuration error: cannot read {path} ({e.GetType().Name}).";
        }
    }

    // The parser's message ends with its own "Path: … | LineNumber: … | BytePositionInLine: …" suffix.
    private static string Reason(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = (cut >= 0 ? message[..cut] : message).Trim();
        return message.EndsWith('.') ? message : message + ".";
    }
}

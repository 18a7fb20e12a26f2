using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace PassportBot.Observability;

/// <summary>Last line of defence before export: the Telegram Bot API puts the bot token in every request path
/// (<c>/bot&lt;bot id&gt;:&lt;secret&gt;/sendMessage</c>), and HTTP client spans record the URL. Any attribute value or span name
/// holding such a path is rewritten with the token replaced by <c>{token}</c>.</summary>
public sealed partial class SecretScrubbingProcessor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (Scrub(data.DisplayName) is { } name) data.DisplayName = name;
        List<KeyValuePair<string, string>>? changed = null;
        foreach (var tag in data.TagObjects)
        {
            if (tag.Value is string text && Scrub(text) is { } clean) (changed ??= []).Add(new(tag.Key, clean));
        }
        if (changed is null) return;
        foreach (var (key, value) in changed) data.SetTag(key, value);
    }

    /// <summary>The text with every bot token replaced, or null when it holds none.</summary>
    public static string? Scrub(string? text) =>
        text is not null && BotToken().IsMatch(text) ? BotToken().Replace(text, "/bot{token}") : null;

    [GeneratedRegex(@"/bot\d+:[A-Za-z0-9_\-]+", RegexOptions.CultureInvariant)]
    private static partial Regex BotToken();
}

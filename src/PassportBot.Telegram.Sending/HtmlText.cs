using System.Net;
using System.Text.RegularExpressions;

namespace PassportBot.Telegram.Sending;

/// <summary>Telegram HTML → what a reader sees, for plain-text fallbacks and the console.</summary>
public static partial class HtmlText
{
    public static string ToPlainText(string html) => WebUtility.HtmlDecode(Tags().Replace(html, string.Empty));

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex Tags();
}

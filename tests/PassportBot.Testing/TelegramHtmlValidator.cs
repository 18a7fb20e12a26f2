using System.Text.RegularExpressions;

namespace PassportBot.Testing;

/// <summary>Checks text the way Telegram's HTML parse mode does: only its tags, properly nested, every
/// '&lt;' part of a tag, entities among the four named ones or numeric.</summary>
public static partial class TelegramHtmlValidator
{
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal)
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
        "blockquote", "tg-emoji",
    };

    /// <summary>Null when the text parses; otherwise Telegram's wording of the problem.</summary>
    public static string? Validate(string text)
    {
        var open = new Stack<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '&')
            {
                var entity = EntityPattern().Match(text, i);
                if (!entity.Success || entity.Index != i)
                    return $"Can't find end of the entity starting at byte offset {i}";
                i += entity.Length;
                continue;
            }
            if (c == '>') return $"Unexpected '>' at byte offset {i}";
            if (c != '<') { i++; continue; }

            var end = text.IndexOf('>', i);
            if (end < 0) return $"Unclosed start tag at byte offset {i}";
            var tag = text[(i + 1)..end];
            if (tag.StartsWith('/'))
            {
                var name = tag[1..].Trim();
                if (open.Count == 0 || open.Peek() != name)
                    return $"Unmatched end tag at byte offset {i}, expected \"</{(open.Count > 0 ? open.Peek() : "")}>\", found \"</{name}>\"";
                open.Pop();
            }
            else
            {
                var name = TagName().Match(tag).Value;
                if (!Tags.Contains(name)) return $"Unsupported start tag \"{name}\" at byte offset {i}";
                if (name == "a" && !tag.Contains("href=", StringComparison.Ordinal))
                    return $"Can't find href of the link at byte offset {i}";
                open.Push(name);
            }
            i = end + 1;
        }
        return open.Count == 0 ? null : $"Can't find end tag corresponding to start tag \"{open.Peek()}\"";
    }

    [GeneratedRegex(@"&(lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")]
    private static partial Regex EntityPattern();

    [GeneratedRegex(@"^[a-z\-]+")]
    private static partial Regex TagName();
}

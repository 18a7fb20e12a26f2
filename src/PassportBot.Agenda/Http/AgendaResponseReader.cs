using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PassportBot.Agenda.Http;

/// <summary>A failure worth retrying (5xx, malformed body, connection error…). Internal: callers see
/// <see cref="AgendaUnavailableException"/> once the retries are spent.</summary>
internal sealed class AgendaTransientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>403: the CSRF token (or the whole session) is no longer accepted.</summary>
internal sealed class AgendaForbiddenException(string message) : Exception(message);

/// <summary>Turns an HTTP response of the site into a JSON document or the failure it stands for.
/// Messages name the endpoint and the status, never a header value.</summary>
/// <remarks>Only strong signals mean the session is over: a redirect to the login page, or an HTML page holding a
/// login form. A page that merely looks like the site (a maintenance page carrying the app's <c>_csrf</c> meta tag, a
/// firewall's block page) is a transient failure: the credentials are not blamed for it.</remarks>
internal static class AgendaResponseReader
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string endpoint, CancellationToken cancellationToken)
        where T : class
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            if (IsLoginRedirect(response))
                throw new AgendaSessionExpiredException($"The agenda site redirected {endpoint} to its login page: the session has ended.");
            throw new AgendaTransientException($"Unexpected redirect (HTTP {status}) from {endpoint}.");
        }
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            var refusal = await BoundedBody.ReadAsync(response.Content, endpoint, cancellationToken).ConfigureAwait(false);
            var html = System.Text.Encoding.UTF8.GetString(refusal);
            if (LooksLikeHtml(response.Content.Headers.ContentType, html))
            {
                if (HasLoginForm(html))
                    throw new AgendaSessionExpiredException($"The agenda site answered {endpoint} with its login page (HTTP {status}): the session has ended.");
                // The site's own refusals are JSON; an HTML page is something in front of it (a firewall, a proxy).
                throw new AgendaTransientException($"HTTP {status} from {endpoint} with an HTML page that is not the site's login (a firewall or maintenance page?).");
            }
            throw new AgendaForbiddenException($"HTTP {status} ({response.StatusCode}) from {endpoint}");
        }
        if (!response.IsSuccessStatusCode)
            throw new AgendaTransientException($"HTTP {status} ({response.StatusCode}) from {endpoint}.");

        var body = await BoundedBody.ReadAsync(response.Content, endpoint, cancellationToken).ConfigureAwait(false);
        if (LooksLikeHtml(response.Content.Headers.ContentType, body))
        {
            var html = System.Text.Encoding.UTF8.GetString(body);
            if (HasLoginForm(html))
                throw new AgendaSessionExpiredException($"The agenda site answered {endpoint} with its login page instead of JSON: the session has ended.");
            throw new AgendaTransientException($"The agenda site answered {endpoint} with an HTML page instead of JSON (not its login page).");
        }

        T? result;
        try
        {
            result = JsonSerializer.Deserialize<T>(body, AgendaJson.Options);
        }
        catch (JsonException ex)
        {
            // The JsonException message quotes no body text, only a path and position: safe to chain.
            throw new AgendaTransientException($"Malformed JSON from {endpoint} (HTTP {status}, {body.Length} bytes).", ex);
        }
        return result ?? throw new AgendaTransientException($"Empty JSON (null) from {endpoint}.");
    }

    /// <summary>A redirect whose target is the login page: how the site ends a session.</summary>
    public static bool IsLoginRedirect(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 300 and < 400
        && response.Headers.Location?.ToString() is { } location
        && location.Contains("login", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>content</c> of <c>&lt;meta name="_csrf" content="..."&gt;</c>, if any.</summary>
    public static string? FindCsrfMeta(string html)
    {
        var at = 0;
        while ((at = html.IndexOf("<meta", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = html.IndexOf('>', at);
            if (end < 0) return null;
            var tag = html[at..end];
            at = end;
            if (AttributeValue(tag, "name") == "_csrf" && AttributeValue(tag, "content") is { Length: > 0 } content)
                return content.Trim();
        }
        return null;
    }

    internal static bool LooksLikeHtml(MediaTypeHeaderValue? contentType, string body)
    {
        if (contentType?.MediaType is { } media && media.Contains("html", StringComparison.OrdinalIgnoreCase)) return true;
        var trimmed = body.AsSpan().TrimStart();
        return trimmed.StartsWith("<", StringComparison.Ordinal);
    }

    internal static bool LooksLikeHtml(MediaTypeHeaderValue? contentType, ReadOnlySpan<byte> body)
    {
        if (contentType?.MediaType is { } media && media.Contains("html", StringComparison.OrdinalIgnoreCase)) return true;
        var trimmed = body.TrimStart(" \t\r\n"u8);
        return trimmed.Length > 0 && trimmed[0] == (byte)'<';
    }

    /// <summary>A login form: a <c>&lt;form&gt;</c> posting to a login or SPID address, or a password field. Words alone
    /// ("login" in a menu, the <c>_csrf</c> meta every page of the app carries) are not enough.</summary>
    internal static bool HasLoginForm(string html)
    {
        foreach (var tag in Tags(html, "<form"))
        {
            if (AttributeValue(tag, "action") is { } action
                && (action.Contains("login", StringComparison.OrdinalIgnoreCase) || action.Contains("spid", StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        foreach (var tag in Tags(html, "<input"))
        {
            if (string.Equals(AttributeValue(tag, "type")?.Trim(), "password", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static IEnumerable<string> Tags(string html, string opening)
    {
        var at = 0;
        while ((at = html.IndexOf(opening, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = html.IndexOf('>', at);
            if (end < 0) yield break;
            yield return html[at..end];
            at = end;
        }
    }

    private static string? AttributeValue(string tag, string name)
    {
        foreach (var quote in new[] { '"', '\'' })
        {
            var marker = name + "=" + quote;
            var i = tag.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            while (i > 0 && !char.IsWhiteSpace(tag[i - 1]))
                i = tag.IndexOf(marker, i + 1, StringComparison.OrdinalIgnoreCase);
            if (i < 0) continue;
            var start = i + marker.Length;
            var stop = tag.IndexOf(quote, start);
            if (stop > start) return tag[start..stop];
        }
        return null;
    }
}

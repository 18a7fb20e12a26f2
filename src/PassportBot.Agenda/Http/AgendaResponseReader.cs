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
internal static class AgendaResponseReader
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, string endpoint, CancellationToken cancellationToken)
        where T : class
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location?.ToString() ?? "";
            if (location.Contains("login", StringComparison.OrdinalIgnoreCase))
                throw new AgendaSessionExpiredException($"The agenda site redirected {endpoint} to its login page: the session has ended.");
            throw new AgendaTransientException($"Unexpected redirect (HTTP {status}) from {endpoint}.");
        }
        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
            throw new AgendaForbiddenException($"HTTP {status} ({response.StatusCode}) from {endpoint}");
        if (!response.IsSuccessStatusCode)
            throw new AgendaTransientException($"HTTP {status} ({response.StatusCode}) from {endpoint}.");

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (LooksLikeHtml(response.Content.Headers.ContentType, body))
        {
            if (IsLoginPage(body))
                throw new AgendaSessionExpiredException($"The agenda site answered {endpoint} with its login page instead of JSON: the session has ended.");
            throw new AgendaTransientException($"The agenda site answered {endpoint} with an HTML page instead of JSON.");
        }

        T? result;
        try
        {
            result = JsonSerializer.Deserialize<T>(body, AgendaJson.Options);
        }
        catch (JsonException ex)
        {
            // The JsonException message quotes no body text, only a path and position: safe to chain.
            throw new AgendaTransientException($"Malformed JSON from {endpoint} (HTTP {status}, {body.Length} chars).", ex);
        }
        return result ?? throw new AgendaTransientException($"Empty JSON (null) from {endpoint}.");
    }

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

    internal static bool IsLoginPage(string html) =>
        html.Contains("_csrf", StringComparison.OrdinalIgnoreCase)
        || html.Contains("login", StringComparison.OrdinalIgnoreCase)
        || html.Contains("type=\"password\"", StringComparison.OrdinalIgnoreCase)
        || html.Contains("spid", StringComparison.OrdinalIgnoreCase);

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

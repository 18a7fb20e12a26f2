namespace PassportBot.Web;

/// <summary>Configuration section <c>Web</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>Addresses the built-in web server listens on, separated by ';'. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:8080";

    /// <summary>How long API answers are reused before the database is asked again (0 disables).</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of the storage health check.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the live feed compares the open slots while a dashboard listens on <c>/api/events</c>.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>With no applied poll for this long, the dashboard warns that its data may be stale (a web process
    /// without a poller of its own cannot see the agenda session, only that polls stopped arriving).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(5);

    internal IReadOnlyList<string> UrlList =>
        Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    internal static IEnumerable<string> Validate(WebOptions options)
    {
        var urls = options.UrlList;
        if (urls.Count == 0) yield return "Web:Urls must name at least one address, e.g. http://127.0.0.1:8080.";
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"Web:Urls: '{url}' is not an http(s) address such as http://127.0.0.1:8080.";
            }
        }
        if (options.CacheDuration < TimeSpan.Zero || options.CacheDuration > TimeSpan.FromMinutes(1))
            yield return "Web:CacheDuration must be between 00:00:00 and 00:01:00.";
        if (options.HealthCheckTimeout <= TimeSpan.Zero || options.HealthCheckTimeout > TimeSpan.FromMinutes(1))
            yield return "Web:HealthCheckTimeout must be more than 0 and at most 00:01:00.";
        if (options.LiveInterval < TimeSpan.FromMilliseconds(50) || options.LiveInterval > TimeSpan.FromMinutes(1))
            yield return "Web:LiveInterval must be between 00:00:00.050 and 00:01:00.";
        if (options.StaleAfter < TimeSpan.FromSeconds(1) || options.StaleAfter > TimeSpan.FromDays(7))
            yield return "Web:StaleAfter must be between 00:00:01 and 7.00:00:00.";
    }
}

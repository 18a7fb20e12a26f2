namespace PassportBot.Web;

/// <summary>Configuration section <c>Web</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    public const string DefaultUrls = "http://127.0.0.1:8080";
    public static readonly TimeSpan DefaultCacheDuration = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxCacheDuration = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultHealthCheckTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan MaxHealthCheckTimeout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultLiveInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MinLiveInterval = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaxLiveInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan DefaultStaleAfter = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinStaleAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxStaleAfter = TimeSpan.FromDays(7);

    /// <summary>Addresses the built-in web server listens on, separated by ';'. Port 0 picks a free port.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>How long API answers are reused before the database is asked again (0 disables).</summary>
    public TimeSpan CacheDuration { get; set; } = DefaultCacheDuration;

    /// <summary>Timeout of the storage health check.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = DefaultHealthCheckTimeout;

    /// <summary>How often the live feed compares the open slots while a dashboard listens on <c>/api/events</c>.</summary>
    public TimeSpan LiveInterval { get; set; } = DefaultLiveInterval;

    /// <summary>With no applied poll for this long, the dashboard warns that its data may be stale (a web process
    /// without a poller of its own cannot see the agenda session, only that polls stopped arriving).</summary>
    public TimeSpan StaleAfter { get; set; } = DefaultStaleAfter;

    /// <summary>The addresses of <see cref="Urls"/>, one each.</summary>
    public IReadOnlyList<string> UrlList =>
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
        if (options.CacheDuration < TimeSpan.Zero || options.CacheDuration > MaxCacheDuration)
            yield return "Web:CacheDuration must be between 00:00:00 and 00:01:00.";
        if (options.HealthCheckTimeout <= TimeSpan.Zero || options.HealthCheckTimeout > MaxHealthCheckTimeout)
            yield return "Web:HealthCheckTimeout must be more than 0 and at most 00:01:00.";
        if (options.LiveInterval < MinLiveInterval || options.LiveInterval > MaxLiveInterval)
            yield return "Web:LiveInterval must be between 00:00:00.050 and 00:01:00.";
        if (options.StaleAfter < MinStaleAfter || options.StaleAfter > MaxStaleAfter)
            yield return "Web:StaleAfter must be between 00:00:01 and 7.00:00:00.";
    }
}

using System.Security.Cryptography;
using System.Text;
using PassportBot.Domain;

namespace PassportBot.Agenda;

/// <summary>The operator's session on the agenda site. Never printed: <see cref="ToString"/> is redacted.</summary>
public sealed record AgendaCredentials(string Cookie, string CsrfToken)
{
    /// <summary>A short hash that tells two credential sets apart without revealing them.</summary>
    /// <remarks>Computed, not stored: a stored value would be copied unchanged by <c>with { CsrfToken = … }</c>.</remarks>
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Cookie + "\n" + CsrfToken)))[..12];

    public override string ToString() => $"AgendaCredentials(fingerprint {Fingerprint})";
}

/// <summary>Endpoint A row: an office and its first free date (null: none now).</summary>
public sealed record AgendaOffice(Office Office, DateOnly? FirstAvailableDate);

/// <summary>Endpoint C row.</summary>
public sealed record Municipality(string Id, string Name, string Province, string QuesturaProvince);

/// <summary>The agenda site's JSON API (see docs/agenda-api.md). Throws <see cref="AgendaSessionExpiredException"/>
/// when the credentials are no longer accepted, <see cref="AgendaUnavailableException"/> for transient failures
/// that survived the client's own retries.</summary>
public interface IAgendaClient
{
    /// <summary>Endpoint A, every page: all offices of the province.</summary>
    Task<IReadOnlyList<AgendaOffice>> GetOfficesAsync(string province, CancellationToken cancellationToken);

    /// <summary>Endpoint B: free slots of one office in the month holding <paramref name="month"/>
    /// (null: the site's default month). Places are computed per <see cref="AgendaOptions.PlacesMode"/>.</summary>
    Task<IReadOnlyList<SlotObservation>> GetMonthAsync(int officeId, DateOnly? month, CancellationToken cancellationToken);

    /// <summary>Endpoint C: municipalities matching a name.</summary>
    Task<IReadOnlyList<Municipality>> FindMunicipalityAsync(string name, CancellationToken cancellationToken);
}

public abstract class AgendaException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>403, an HTML login page or a login redirect: the credentials are spent.</summary>
public sealed class AgendaSessionExpiredException(string message) : AgendaException(message);

/// <summary>5xx, timeout, malformed JSON…: try again later.</summary>
public sealed class AgendaUnavailableException(string message, Exception? inner = null) : AgendaException(message, inner);

/// <summary>No credentials configured yet.</summary>
public sealed class AgendaCredentialsMissingException(string message) : AgendaException(message);

public enum PlacesMode
{
    /// <summary>Free places = totAppuntamenti (what public bots report).</summary>
    Total,
    /// <summary>Free places = totAppuntamenti - totAppuntamentiPresi.</summary>
    TotalMinusTaken,
}

/// <summary><c>Agenda:*</c> configuration.</summary>
public sealed class AgendaOptions
{
    public const string Section = "Agenda";

    public const string DefaultBaseUrl = "https://passaportonline.poliziadistato.it";
    public const string DefaultCookieFile = "tokens/cookie_token";
    public const string DefaultCsrfTokenFile = "tokens/xcsrf_token";
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(60);

    /// <summary>Polls closer than this would only burden the site.</summary>
    public static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultExpiredRetryInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinExpiredRetryInterval = TimeSpan.FromSeconds(1);
    public const int DefaultMonthsAhead = 2;
    public const int MaxMonthsAhead = 24;
    public const int DefaultMaxConcurrency = 4;
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(20);
    public const int DefaultMaxRetries = 3;
    /// <summary>More retries of one request would only hold a poll back: the next poll tries again anyway.</summary>
    public const int MaxMaxRetries = 10;
    public static readonly TimeSpan DefaultRetryBaseDelay = TimeSpan.FromSeconds(1);
    public const int DefaultPageSize = 1000;
    public static readonly TimeSpan DefaultScheduledLookAhead = TimeSpan.FromMinutes(5);
    public const string DefaultUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";

    public string BaseUrl { get; set; } = DefaultBaseUrl;
    public string? CookieFile { get; set; } = DefaultCookieFile;
    public string? CsrfTokenFile { get; set; } = DefaultCsrfTokenFile;
    /// <summary>Inline credentials (environment), used when the files are absent.</summary>
    public string? Cookie { get; set; }
    public string? CsrfToken { get; set; }
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;
    /// <summary>Credentials marked expired are tried again this often: the site may have refused them because of
    /// something passing (a maintenance or firewall page), and then they work again without anyone pasting new ones.</summary>
    public TimeSpan ExpiredRetryInterval { get; set; } = DefaultExpiredRetryInterval;
    /// <summary>Months read per office, from the month of its first free date.</summary>
    public int MonthsAhead { get; set; } = DefaultMonthsAhead;
    /// <summary>Requests to the site at once (politeness).</summary>
    public int MaxConcurrency { get; set; } = DefaultMaxConcurrency;
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;
    public int MaxRetries { get; set; } = DefaultMaxRetries;
    public TimeSpan RetryBaseDelay { get; set; } = DefaultRetryBaseDelay;
    /// <summary>Endpoint A page size (Rome and Naples have more than 30 offices).</summary>
    public int PageSize { get; set; } = DefaultPageSize;
    public PlacesMode PlacesMode { get; set; } = PlacesMode.Total;
    /// <summary>Look-ahead for INSERT SCHEDULED.</summary>
    public TimeSpan ScheduledLookAhead { get; set; } = DefaultScheduledLookAhead;
    public string UserAgent { get; set; } = DefaultUserAgent;
}

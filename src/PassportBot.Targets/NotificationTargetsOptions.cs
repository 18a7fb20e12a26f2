namespace PassportBot.Targets;

/// <summary><c>Notifications:*</c>: webhook and ntfy targets, and how their deliveries are retried.</summary>
public sealed class NotificationTargetsOptions
{
    public const string Section = "Notifications";

    public const int DefaultMaxAttempts = 8;
    public const int DefaultConcurrency = 8;
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(5);
    public const int MaxMaxAttempts = 50;
    public const int MaxConcurrency = 256;
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    /// <summary><c>Notifications:Webhooks:&lt;name&gt;:Url|Secret|Provinces</c>.</summary>
    public Dictionary<string, WebhookTargetOptions> Webhooks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>Notifications:Ntfy:&lt;name&gt;:Url|Token|Provinces|Language</c>.</summary>
    public Dictionary<string, NtfyTargetOptions> Ntfy { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long one request may take before it counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>Deliveries of one event before it is dead-lettered (queue <c>targets</c>).</summary>
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Delay before the first retry; doubles per attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = DefaultRetryDelay;

    /// <summary>Deliveries in flight at once (all targets together).</summary>
    public int Concurrency { get; set; } = DefaultConcurrency;
}

public sealed class WebhookTargetOptions
{
    public string? Url { get; set; }
    public string? Secret { get; set; }
    public List<string> Provinces { get; set; } = [];
}

public sealed class NtfyTargetOptions
{
    public string? Url { get; set; }
    public string? Token { get; set; }
    public List<string> Provinces { get; set; } = [];
    /// <summary>it (default) or en.</summary>
    public string? Language { get; set; }
}

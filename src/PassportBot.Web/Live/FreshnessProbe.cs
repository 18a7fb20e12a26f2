using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PassportBot.Storage;
using PassportBot.Web.Api;

namespace PassportBot.Web.Live;

/// <summary>Tells whether the data on the dashboard may be stale. The last poll comes from the database, so
/// every web process (embedded or scale-out) sees the same; the session state comes from the poller's health
/// check when a poller runs in this process, and otherwise staleness is inferred from the age of the last poll.</summary>
internal sealed class FreshnessProbe(
    IDashboardQueries queries,
    IOptions<HealthCheckServiceOptions> healthOptions,
    HealthCheckService health,
    IOptions<WebOptions> options,
    TimeProvider time)
{
    /// <summary>The name the poller registers its health check under.</summary>
    public const string PollerCheck = "poller";

    private readonly bool _hasPoller = healthOptions.Value.Registrations.Any(r => r.Name == PollerCheck);

    public async Task<StatusDto> CheckAsync(CancellationToken cancellationToken)
    {
        var lastPoll = await queries.GetLastPollAsync(null, cancellationToken).ConfigureAwait(false);
        var credentials = await CredentialsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        string? reason = credentials switch
        {
            "expired" => "session-expired",
            "missing" => "no-credentials",
            _ => null,
        };
        if (reason is null && lastPoll is { } at && now - at > options.Value.StaleAfter) reason = "no-recent-poll";

        var last = lastPoll is { } l ? ApiFormat.Instant(l) : null;
        return new StatusDto(last, reason is not null, reason is null ? null : last, reason, credentials, ApiFormat.Instant(now));
    }

    private async Task<string> CredentialsAsync(CancellationToken cancellationToken)
    {
        if (!_hasPoller) return "unknown";
        var report = await health.CheckHealthAsync(r => r.Name == PollerCheck, cancellationToken).ConfigureAwait(false);
        // Before its first cycle the poller has not looked at the credentials yet.
        if (!report.Entries.TryGetValue(PollerCheck, out var entry)
            || !entry.Data.ContainsKey("lastCycleAt")
            || !entry.Data.TryGetValue("credentials", out var value)) return "unknown";
        return value?.ToString()?.ToLowerInvariant() switch
        {
            "valid" => "valid",
            "expired" => "expired",
            "missing" => "missing",
            _ => "unknown",
        };
    }
}

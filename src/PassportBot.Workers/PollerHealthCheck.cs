using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;

namespace PassportBot.Workers;

/// <summary>Degraded (not unhealthy) while the agenda credentials are missing or expired, or while provinces are
/// followed but no province poll of this poller has succeeded for <see cref="StaleIntervals"/> poll intervals (the
/// site is down or answers nonsense): the rest of the system still serves users.</summary>
public sealed class PollerHealthCheck(PollerStatus status, IOptions<AgendaOptions> agenda, TimeProvider time) : IHealthCheck
{
    /// <summary>Poll intervals without a successful province poll before the poller reports degraded.</summary>
    public const int StaleIntervals = 3;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var s = status.Current;
        var data = new Dictionary<string, object>
        {
            ["credentials"] = s.Credentials.ToString(),
            ["provincesFollowed"] = s.ProvincesFollowed,
            ["pollsCompleted"] = s.PollsCompleted,
        };
        if (s.LastCycleAt is { } cycle) data["lastCycleAt"] = cycle.UtcDateTime.ToString("O");
        if (s.LastSuccessAt is { } ok) data["lastSuccessAt"] = ok.UtcDateTime.ToString("O");
        if (s.LastError is { } err) data["lastError"] = err;

        var staleAfter = agenda.Value.PollInterval * StaleIntervals;
        var stale = s.ProvincesFollowed > 0 && time.GetUtcNow() - (s.LastSuccessAt ?? status.StartedAt) > staleAfter;
        var result = s.Credentials switch
        {
            CredentialState.Valid when stale => HealthCheckResult.Degraded(
                $"No province poll has succeeded for {StaleIntervals} poll intervals ({staleAfter:c}).", data: data),
            CredentialState.Valid => HealthCheckResult.Healthy("Polling.", data),
            CredentialState.Expired => HealthCheckResult.Degraded("Agenda session expired: waiting for new credentials.", data: data),
            _ => HealthCheckResult.Degraded("No agenda credentials configured.", data: data),
        };
        return Task.FromResult(result);
    }
}

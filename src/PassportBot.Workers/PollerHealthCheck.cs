using Microsoft.Extensions.Diagnostics.HealthChecks;
using PassportBot.Agenda;

namespace PassportBot.Workers;

/// <summary>Degraded (not unhealthy) while the agenda credentials are missing or expired: the rest of the
/// system still serves users.</summary>
public sealed class PollerHealthCheck(PollerStatus status) : IHealthCheck
{
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

        var result = s.Credentials switch
        {
            CredentialState.Valid => HealthCheckResult.Healthy("Polling.", data),
            CredentialState.Expired => HealthCheckResult.Degraded("Agenda session expired: waiting for new credentials.", data: data),
            _ => HealthCheckResult.Degraded("No agenda credentials configured.", data: data),
        };
        return Task.FromResult(result);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PassportBot.Storage;

namespace PassportBot.Web.Health;

/// <summary>"storage": the database answers a ping. Reports the provider name, never the connection string.</summary>
internal sealed class StorageHealthCheck(IStorageMigrator storage, StorageProviderName provider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var ok = await storage.PingAsync(cancellationToken).ConfigureAwait(false);
            var data = Data(started);
            return ok
                ? HealthCheckResult.Healthy("Database reachable.", data)
                : new HealthCheckResult(context.Registration.FailureStatus, "Database did not answer the ping.", data: data);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The exception stays out of the result: provider messages can carry host names or user names.
            return new HealthCheckResult(context.Registration.FailureStatus, $"Database ping failed ({ex.GetType().Name}).", data: Data(started));
        }
    }

    private Dictionary<string, object> Data(long started) => new()
    {
        ["provider"] = provider.Value,
        ["latencyMs"] = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1),
    };
}

/// <summary>The configured <c>Storage:Provider</c>, captured at registration for the health report.</summary>
internal sealed record StorageProviderName(string Value);

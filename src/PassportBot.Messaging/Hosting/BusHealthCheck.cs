using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PassportBot.Messaging.Hosting;

/// <summary>Reports whether the bus reaches its transport (broker connectivity for <c>/health</c>).</summary>
public sealed class BusHealthCheck(IBusHealth bus) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return await bus.IsConnectedAsync(cancellationToken).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("Bus connected.")
                : new HealthCheckResult(context.Registration.FailureStatus, "Bus not connected.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Bus check failed: " + ex.GetType().Name);
        }
    }
}

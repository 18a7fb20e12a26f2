using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Degraded (not unhealthy) while Telegram's retry_after pauses all sending: messages wait, none are lost.
/// Reports counters only, nothing about chats or the token.</summary>
public sealed class DispatcherHealthCheck(DispatcherMetrics metrics, TimeProvider time) : IHealthCheck
{
    public const string Name = "dispatcher";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var c = metrics.Snapshot();
        var data = new Dictionary<string, object>
        {
            ["sent"] = c.Sent,
            ["retried"] = c.Retried,
            ["tooManyRequests"] = c.TooManyRequests,
            ["deactivated"] = c.Deactivated,
            ["channelPostsPaused"] = c.ChannelPaused,
            ["failed"] = c.Failed,
            ["plainTextFallbacks"] = c.PlainTextFallbacks,
            ["redelivered"] = c.Redelivered,
            ["alreadySent"] = c.AlreadySent,
        };
        if (c.PausedUntil is { } until && until > time.GetUtcNow())
        {
            var at = until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            data["pausedUntil"] = at;
            return Task.FromResult(HealthCheckResult.Degraded($"Telegram asked to wait (429 retry_after): sending paused until {at}.", data: data));
        }
        return Task.FromResult(HealthCheckResult.Healthy("Sending.", data));
    }
}

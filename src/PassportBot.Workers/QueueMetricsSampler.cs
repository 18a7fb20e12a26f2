using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Reads queue depths (work and dead-letter queues), the outbox backlog and the fan-out jobs not yet expanded
/// every <c>Observability:SampleInterval</c> for the <c>passportbot.queue.depth</c>, <c>passportbot.outbox.pending</c>
/// and <c>passportbot.fanout.jobs.pending</c> gauges: a scrape then never waits on the broker or the database.</summary>
public sealed partial class QueueMetricsSampler(
    IMessageBus bus,
    IOutboxStore outbox,
    IFanOutJobStore fanOutJobs,
    IOptions<ObservabilityOptions> options,
    TimeProvider time,
    ILogger<QueueMetricsSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken).ConfigureAwait(false);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The broker or database being away is reported by /health; log it once per outage here.
                if (!failing) LogSampleFailed(ex.GetType().Name, ex.Message);
                failing = true;
            }

            try { await Task.Delay(options.Value.SampleInterval, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in Queues.AllNames)
        {
            if (await bus.CountAsync(queue, cancellationToken).ConfigureAwait(false) is { } ready)
                PassportBotMetrics.QueueDepth(queue, ready);
            var deadLetters = queue + QueueTopology.DeadLetterSuffix;
            if (await bus.CountAsync(deadLetters, cancellationToken).ConfigureAwait(false) is { } dead)
                PassportBotMetrics.QueueDepth(deadLetters, dead);
        }
        PassportBotMetrics.OutboxPending(await outbox.CountAsync(cancellationToken).ConfigureAwait(false));
        PassportBotMetrics.FanOutJobsPending(await fanOutJobs.CountAsync(cancellationToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not sample queue depths for the metrics ({Error}: {Reason}); retrying")]
    private partial void LogSampleFailed(string error, string reason);
}

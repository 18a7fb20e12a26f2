using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Once a day, deletes slots and places history older than <c>Storage:RetentionDays</c>, in batches of
/// <c>Storage:RetentionBatchSize</c> rows. A lease held for the whole day lets one replica of the whole system do it.</summary>
public sealed partial class RetentionService(
    IHistoryRetention retention,
    ILeaseStore leases,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(1);
    public const string LeaseName = "retention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be briefly away: tomorrow's run (or another replica's) catches up.
                LogFailed(ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One pass; the rows deleted, or null when retention is off or another process ran it today.</summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.RetentionDays <= 0) return null;
        // A fresh owner per run: the lease is only taken again once a day has passed, whoever held it.
        var owner = Environment.MachineName + "-retention-" + Guid.NewGuid().ToString("N")[..8];
        if (!await leases.TryAcquireAsync(LeaseName, owner, Period, cancellationToken).ConfigureAwait(false)) return null;

        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(o.RetentionDays);
        var total = 0;
        int deleted;
        do
        {
            deleted = await retention.PruneBatchAsync(cutoff, o.RetentionBatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted > 0);
        LogPruned(total, o.RetentionDays);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Rows} rows of history older than {Days} days")]
    private partial void LogPruned(int rows, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention run failed ({Error}); next attempt in a day")]
    private partial void LogFailed(string error);
}

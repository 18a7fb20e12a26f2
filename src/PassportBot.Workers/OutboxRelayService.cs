using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Resilience;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Publishes outbox entries (written in the same transaction as the slot changes that caused them) and
/// deletes them once the bus confirmed. A crash between publish and delete republishes the batch: duplicates are
/// bounded by one batch, nothing is lost.</summary>
public sealed partial class OutboxRelayService(
    IOutboxStore outbox,
    IMessageBus bus,
    OutboxSignal signal,
    IOptions<WorkersOptions> options,
    TimeProvider time,
    ILogger<OutboxRelayService> logger) : BackgroundService
{
    /// <summary>Pause after a failed round (database or broker away), doubling while it keeps failing.</summary>
    internal static readonly ExponentialBackoff Backoff = new(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(30));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // Claims are leased, so parallel loops never publish the same entry; two loops overlap one batch's
        // broker round trip with the next batch's database work.
        Task.WhenAll(Enumerable.Range(0, options.Value.RelayConcurrency).Select(_ => RelayLoopAsync(stoppingToken)));

    private async Task RelayLoopAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        // Each loop is its own claimant: a claimant may re-take its own unexpired entries, siblings may not.
        var owner = Environment.MachineName + "-relay-" + Guid.NewGuid().ToString("N")[..8];
        var retry = new ServiceRetry(Backoff, time, (e, _) => LogRelayFailed(e));
        while (!stoppingToken.IsCancellationRequested)
        {
            await retry.RunAsync(async ct =>
            {
                int published;
                do
                {
                    published = await RelayBatchAsync(o, owner, ct).ConfigureAwait(false);
                } while (published > 0 && !ct.IsCancellationRequested);
                await signal.WaitAsync(o.RelayPollInterval, time, ct).ConfigureAwait(false);
            }, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Returns how many entries were published.</summary>
    private async Task<int> RelayBatchAsync(WorkersOptions o, string owner, CancellationToken ct)
    {
        var batch = await outbox.ClaimAsync(owner, o.RelayBatchSize, o.RelayLease, ct).ConfigureAwait(false);
        if (batch.Count == 0) return 0;
        // More may be waiting: wake a sibling loop to claim the next batch while this one publishes.
        if (batch.Count == o.RelayBatchSize) signal.Notify();

        var messages = new List<OutgoingMessage>(batch.Count);
        var done = new List<long>(batch.Count);
        var now = time.GetUtcNow();
        foreach (var entry in batch)
        {
            done.Add(entry.Id);
            PassportBotMetrics.OutboxRelayed(now - entry.CreatedAt);
            if (entry.Queue != Queues.Message.Name)
            {
                LogUnknownQueue(entry.Id, entry.Queue);
                continue;
            }
            try
            {
                messages.Add(MessageJson.Deserialize<OutgoingMessage>(entry.Payload));
            }
            catch (System.Text.Json.JsonException ex)
            {
                LogBadEntry(entry.Id, ex.Message);
            }
        }

        // Webhook and ntfy notifications have their own queue, so they never wait behind Telegram's rate limit.
        foreach (var group in messages.GroupBy(m => Queues.For(m.Recipient)))
            await PublishAsync(group.Key, group.ToList(), ct).ConfigureAwait(false);
        await outbox.DeleteAsync(done, ct).ConfigureAwait(false);
        return batch.Count;
    }

    private Task PublishAsync(QueueDescriptor<OutgoingMessage> queue, List<OutgoingMessage> messages, CancellationToken ct)
    {
        if (!PassportBotTelemetry.Source.HasListeners()) return bus.PublishManyAsync(queue, messages, ct);
        // Traced: one publish per originating trace, each under a span that continues it (a batch mixes polls).
        return Task.WhenAll(messages.GroupBy(m => m.TraceParent).Select(async group =>
        {
            using var activity = MessagingTracing.StartContinuation("outbox relay", group.Key);
            await bus.PublishManyAsync(queue, group.ToList(), ct).ConfigureAwait(false);
        }));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox relay failed; backing off")]
    private partial void LogRelayFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox entry {Id} names unknown queue {Queue}; dropped")]
    private partial void LogUnknownQueue(long id, string queue);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox entry {Id} is not a valid message ({Reason}); dropped")]
    private partial void LogBadEntry(long id, string reason);
}

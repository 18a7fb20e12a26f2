using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Resilience;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Turns committed fan-out jobs into outbox rows, a chunk of subscribers per transaction, signalling the
/// relay after each chunk so the first messages are sent while later chunks are still being written.</summary>
/// <remarks>Each chunk moves the job's cursor in the transaction that writes its rows, under the expander's lease:
/// a crash loses at most the chunk being written (it is written again by whoever continues the job), and a chunk
/// is never written twice. Who follows the province is read when the expansion starts or resumes; each chunk's
/// filters are read just before the chunk is written.</remarks>
public sealed partial class FanOutExpander(
    IFanOutJobStore jobs,
    ISubscriptionStore subscriptions,
    OutboxSignal outboxSignal,
    FanOutSignal fanOutSignal,
    IOptions<WorkersOptions> options,
    TimeProvider time,
    ILogger<FanOutExpander> logger)
{
    /// <summary>Subscribers in the first chunk of a job (at most; <see cref="WorkersOptions.FanOutChunkSize"/> when smaller).</summary>
    public const int FirstChunkSize = 25;

    /// <summary>Expands the oldest job <paramref name="owner"/> can claim, to its end or until its lease is lost.
    /// False when there was none. Cancelled, it gives the job up so another expander continues it at once.</summary>
    public Task<bool> ExpandNextAsync(string owner, CancellationToken cancellationToken) =>
        ExpandNextAsync(owner, int.MaxValue, cancellationToken);

    /// <summary>As <see cref="ExpandNextAsync(string, CancellationToken)"/>, but stops after <paramref name="maxChunks"/>
    /// chunks and leaves the job held, as an expander that died there would (until its lease expires).</summary>
    public async Task<bool> ExpandNextAsync(string owner, int maxChunks, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunks);
        var o = options.Value;
        var entry = await jobs.ClaimNextAsync(owner, o.FanOutLease, cancellationToken).ConfigureAwait(false);
        if (entry is null) return false;
        // There may be more: a sibling loop takes the next job meanwhile.
        fanOutSignal.Notify();

        FanOutJob job;
        try
        {
            job = MessageJson.Deserialize<FanOutJob>(entry.Payload);
        }
        catch (JsonException ex)
        {
            LogBadJob(entry.Id, ex.Message);
            await jobs.SaveChunkAsync(entry.Id, owner, o.FanOutLease, Queues.Message.Name, [], null, cancellationToken).ConfigureAwait(false);
            return true;
        }

        try
        {
            await ExpandAsync(entry, job, owner, o, maxChunks, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            try { await jobs.ReleaseAsync(entry.Id, owner, CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException) { LogReleaseFailed(entry.Id, ex.Message); }
            throw;
        }
        return true;
    }

    /// <summary>Runs the subscriber reads once on a province nobody follows, a sample job through the JSON
    /// metadata and the expansion, and a chunk's transaction for a job that does not exist (it writes nothing), so
    /// the first fan-out after a start does not also pay for opening the database, building that metadata and
    /// compiling all of it. Failures are ignored: the first job retries them.</summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var slots = SampleOfficeSlots.On(DateOnly.FromDateTime(now.UtcDateTime).AddDays(30));
            var sample = MessageJson.Deserialize<FanOutJob>(MessageJson.SerializeToString(
                new FanOutJob("TO", "warm-up", now, [new JobAnnouncement(slots.Office, slots.Slots, null)], [slots])));
            foreach (var message in FanOut.For(sample, "warm-up", new FilteredSubscriber(1, Language.Italian, SubscriberFilter.None), now))
                MessageJson.SerializeToString(message);
            await subscriptions.ListSubscriberChatIdsAsync("", cancellationToken).ConfigureAwait(false);
            await subscriptions.ListSubscribersAsync("", [0L], cancellationToken).ConfigureAwait(false);
            // A chunk of a job that does not exist: its transaction begins, finds no lease held and rolls back.
            await jobs.SaveChunkAsync("warm-up-" + Guid.NewGuid().ToString("N"), "warm-up", options.Value.FanOutLease, Queues.Message.Name, [], null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWarmUpFailed(ex.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out warm-up did not complete ({Error})")]
    private partial void LogWarmUpFailed(string error);

    private async Task ExpandAsync(FanOutJobEntry entry, FanOutJob job, string owner, WorkersOptions o, int maxChunks, CancellationToken ct)
    {
        using var activity = MessagingTracing.StartContinuation("fan-out", job.TraceParent);
        activity?.SetTag(TelemetryTags.Province, job.Province);
        activity?.SetTag(TelemetryTags.PollId, job.PollId);
        if (activity is not null) job = job with { TraceParent = MessagingTracing.CurrentTraceParent() };
        // Chat ids only, to fix the order; each chunk's filters are read just before it is written, so the first
        // chunk does not wait for every subscriber's filters to be read and parsed.
        var chatIds = await subscriptions.ListSubscriberChatIdsAsync(job.Province, ct).ConfigureAwait(false);
        var order = FanOut.Order(entry.Id, chatIds, entry.Cursor);
        activity?.AddEvent(new System.Diagnostics.ActivityEvent("subscribers read"));
        if (order.Count == 0)
        {
            await jobs.SaveChunkAsync(entry.Id, owner, o.FanOutLease, Queues.Message.Name, [], null, ct).ConfigureAwait(false);
            return;
        }

        var written = 0;
        // A small first chunk: its transaction, relay batch and first sends are quick, so the first messages
        // leave sooner; the larger chunks after it keep the number of transactions low.
        var first = Math.Min(FirstChunkSize, o.FanOutChunkSize);
        var chunks = new List<(long ChatId, FanOutCursor Position)[]> { order.Take(first).ToArray() };
        chunks.AddRange(order.Skip(first).Chunk(o.FanOutChunkSize));
        for (var i = 0; i < chunks.Count && i < maxChunks; i++)
        {
            var chunk = chunks[i];
            var now = time.GetUtcNow();
            var payloads = new List<string>(chunk.Length);
            var filtered = (await subscriptions.ListSubscribersAsync(job.Province, chunk.Select(c => c.ChatId).ToList(), ct).ConfigureAwait(false))
                .ToDictionary(s => s.ChatId);
            foreach (var (chatId, _) in chunk)
            {
                // Gone since the ids were read (unsubscribed, blocked the bot): nothing to send.
                if (!filtered.TryGetValue(chatId, out var subscriber)) continue;
                foreach (var message in FanOut.For(job, entry.Id, subscriber, now))
                    payloads.Add(MessageJson.SerializeToString(message));
            }
            FanOutCursor? next = i == chunks.Count - 1 ? null : chunk[^1].Position;
            if (!await jobs.SaveChunkAsync(entry.Id, owner, o.FanOutLease, Queues.Message.Name, payloads, next, ct).ConfigureAwait(false))
            {
                LogLeaseLost(entry.Id, job.Province);
                return;
            }
            written += payloads.Count;
            if (payloads.Count > 0) outboxSignal.Notify();
            if (i == 0) activity?.AddEvent(new System.Diagnostics.ActivityEvent("first chunk written"));
        }
        activity?.SetTag(TelemetryTags.MessagesQueued, written);
        LogExpanded(entry.Id, job.Province, job.PollId, order.Count, written);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fan-out {JobId} of {Province} (poll {PollId}): {Subscribers} subscribers, {Messages} messages queued")]
    private partial void LogExpanded(string jobId, string province, string? pollId, int subscribers, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out {JobId} of {Province}: lease lost to another expander; it continues the job")]
    private partial void LogLeaseLost(string jobId, string province);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fan-out job {JobId} is not valid ({Reason}); dropped")]
    private partial void LogBadJob(string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fan-out job {JobId}: could not give the lease up ({Reason}); it is taken over when the lease expires")]
    private partial void LogReleaseFailed(string jobId, string reason);
}

/// <summary>Runs the <see cref="FanOutExpander"/>: woken by this process's handlers, and polling for jobs other
/// processes left (a crashed replica's job comes back when its lease expires).</summary>
public sealed partial class FanOutExpanderService(
    FanOutExpander expander,
    FanOutSignal signal,
    IOptions<WorkersOptions> options,
    TimeProvider time,
    ILogger<FanOutExpanderService> logger) : BackgroundService
{
    /// <summary>Pause after a failed expansion (database away), doubling while it keeps failing.</summary>
    internal static readonly ExponentialBackoff Backoff = new(TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(30));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await expander.WarmUpAsync(stoppingToken).ConfigureAwait(false);
        await Task.WhenAll(Enumerable.Range(0, options.Value.FanOutConcurrency).Select(_ => LoopAsync(stoppingToken))).ConfigureAwait(false);
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var owner = Environment.MachineName + "-fanout-" + Guid.NewGuid().ToString("N")[..8];
        // After a failure the job stays claimed by this owner, who takes it up again after the pause.
        var retry = new ServiceRetry(Backoff, time, (e, _) => LogFailed(e));
        while (!stoppingToken.IsCancellationRequested)
        {
            await retry.RunAsync(async ct =>
            {
                while (await expander.ExpandNextAsync(owner, ct).ConfigureAwait(false)) { }
                await signal.WaitAsync(o.FanOutPollInterval, time, ct).ConfigureAwait(false);
            }, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Fan-out expansion failed; backing off")]
    private partial void LogFailed(Exception exception);
}

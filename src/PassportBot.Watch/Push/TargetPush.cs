using System.Threading.Channels;
using PassportBot.Domain.Notifications;
using PassportBot.Resilience;
using PassportBot.Targets;
using PassportBot.Watch.Output;
using PassportBot.Watch.Tracking;
using Polly;

namespace PassportBot.Watch.Push;

/// <summary>Pushes new and gone slots to a webhook and/or an ntfy topic with the server's senders: one event per
/// office per poll, the same delivery id on every retry. Runs beside the watch loop, so a slow or dead receiver never
/// delays a scan; failures are reported through the output and are never fatal.</summary>
public sealed class TargetPush(
    WebhookSender webhookSender,
    NtfySender ntfySender,
    TargetPushSettings settings,
    IWatchOutput output,
    TimeProvider time)
{
    private const int MaxAttempts = 6;
    // Bounds the waits of a long RetryDelay; from the 1 s watch uses, the five waits stay well below it.
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);
    // Short: the command line gives a stopping process about two seconds.
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1.5);
    private readonly Channel<TargetEvent> queue = Channel.CreateUnbounded<TargetEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the events of one poll.</summary>
    public void Enqueue(IReadOnlyList<WatchEvent> events)
    {
        foreach (var group in events.OfType<SlotOpened>().GroupBy(e => (e.Slot.Office.Id, e.BookableAt)))
        {
            var first = group.First().Slot;
            var slots = group.Select(e => new NotifiedSlot(e.Slot.Key.Date, e.Slot.Key.Time, e.Slot.Record.Places)).ToArray();
            queue.Writer.TryWrite(new TargetEvent(NewId(), TargetEventKind.New, first.Office.Province, first.Office, slots,
                group.Key.BookableAt, group.Min(e => e.Slot.Record.FirstSeen)));
        }
        foreach (var group in events.OfType<SlotGone>().GroupBy(e => e.Slot.Office.Id))
        {
            var first = group.First().Slot;
            var slots = group.Select(e => new NotifiedSlot(e.Slot.Key.Date, e.Slot.Key.Time, e.LastPlaces)).ToArray();
            queue.Writer.TryWrite(new TargetEvent(NewId(), TargetEventKind.Gone, first.Office.Province, first.Office, slots, null, null));
        }
    }

    /// <summary>Sends until cancelled, then tries briefly to deliver what is still queued.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var e)) await DeliverAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        using var flush = new CancellationTokenSource(FlushTimeout, time);
        try
        {
            while (queue.Reader.TryRead(out var e)) await DeliverAsync(e, flush.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (flush.IsCancellationRequested)
        {
            var left = queue.Reader.Count + 1;
            await ReportAsync("push", $"{left} event(s) not pushed before exit.", null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(TargetEvent e, CancellationToken cancellationToken)
    {
        if (settings.Webhook is { } webhook)
            await DeliverAsync("webhook", ct => webhookSender.SendAsync(webhook, e, settings.Timeout, ct), cancellationToken).ConfigureAwait(false);
        if (settings.Ntfy is { } ntfy)
            await DeliverAsync("ntfy", ct => ntfySender.SendAsync(ntfy, e, settings.Timeout, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeliverAsync(string scope, Func<CancellationToken, Task<TargetSendResult>> send, CancellationToken cancellationToken)
    {
        var retry = new ExponentialBackoff(settings.RetryDelay, MaxRetryDelay).RetryOptions<TargetSendResult>(MaxAttempts - 1);
        retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is TargetSendResult.Transient);
        retry.OnRetry = args => new ValueTask(
            ReportAsync(scope, ((TargetSendResult.Transient)args.Outcome.Result!).Description, args.RetryDelay, cancellationToken));
        var attempts = 0;
        var result = await new ResiliencePipelineBuilder<TargetSendResult> { TimeProvider = time }.AddRetry(retry).Build()
            .ExecuteAsync(async ct =>
            {
                attempts++;
                return await send(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case TargetSendResult.Delivered:
                return;
            case TargetSendResult.Rejected rejected:
                await ReportAsync(scope, $"refused: {rejected.Description}", null, cancellationToken).ConfigureAwait(false);
                return;
            default:
                await ReportAsync(scope, $"gave up on an event after {attempts} attempts.", null, cancellationToken).ConfigureAwait(false);
                return;
        }
    }

    private Task ReportAsync(string scope, string message, TimeSpan? retryIn, CancellationToken cancellationToken) =>
        output.WriteAsync([new WatchError(time.GetUtcNow(), scope, message, retryIn)], cancellationToken);

    private static string NewId() => Guid.CreateVersion7().ToString("N");
}

/// <summary>Where <see cref="TargetPush"/> sends (either may be absent) and how patiently.</summary>
public sealed record TargetPushSettings(WebhookEndpoint? Webhook, NtfyEndpoint? Ntfy, TimeSpan Timeout, TimeSpan RetryDelay);

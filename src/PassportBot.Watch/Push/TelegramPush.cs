using System.Threading.Channels;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Resilience;
using PassportBot.Watch.Output;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.Push;

/// <summary>Pushes new slots (and, when asked, gone ones) to one Telegram chat in the bot's message format, one
/// message per office per poll. Sending runs beside the watch loop so a slow or failing Telegram never delays a
/// scan; failures are reported through the output and are never fatal.</summary>
public sealed class TelegramPush(
    IChatSender sender,
    TelegramPushSettings settings,
    IWatchOutput output,
    TimeProvider time)
{
    private const int MaxAttempts = 6;
    private static readonly ExponentialBackoff TransientBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    // Short: the command line gives a stopping process about two seconds.
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1.5);
    private readonly Channel<string> queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private DateTimeOffset nextSendAt = DateTimeOffset.MinValue;

    /// <summary>Queues the messages for the events of one poll.</summary>
    public void Enqueue(IReadOnlyList<WatchEvent> events)
    {
        foreach (var group in events.OfType<SlotOpened>().GroupBy(e => (e.Slot.Office.Id, e.BookableAt)))
        {
            var slots = group.Select(e => new NotifiedSlot(e.Slot.Key.Date, e.Slot.Key.Time, e.Slot.Record.Places)).ToArray();
            var kind = group.Key.BookableAt is null ? NotificationKind.New : NotificationKind.Scheduled;
            Write(new Notification(kind, settings.Language, null, [new OfficeSlots(group.First().Slot.Office, slots)], group.Key.BookableAt));
        }
        if (!settings.NotifyGone) return;
        foreach (var group in events.OfType<SlotGone>().GroupBy(e => e.Slot.Office.Id))
        {
            var slots = group.Select(e => new NotifiedSlot(e.Slot.Key.Date, e.Slot.Key.Time, e.LastPlaces)).ToArray();
            Write(new Notification(NotificationKind.Gone, settings.Language, null, [new OfficeSlots(group.First().Slot.Office, slots)]));
        }
    }

    /// <summary>The same rendering as the bot's dispatcher: one catalogue of words, one layout.</summary>
    private void Write(Notification notification) => queue.Writer.TryWrite(AvailabilityFormatter.Render(notification).Text);

    /// <summary>Sends until cancelled, then tries for a few seconds to deliver what is still queued.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (queue.Reader.TryRead(out var html)) await DeliverAsync(html, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        using var flush = new CancellationTokenSource(FlushTimeout, time);
        try
        {
            while (queue.Reader.TryRead(out var html)) await DeliverAsync(html, flush.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (flush.IsCancellationRequested)
        {
            // A single-reader channel cannot count: drain it (the message being sent counts too).
            var left = 1;
            while (queue.Reader.TryRead(out _)) left++;
            await ReportAsync($"{left} Telegram message(s) not sent before exit.", null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task DeliverAsync(string html, CancellationToken cancellationToken)
    {
        var transientFailures = 0;
        for (var attempt = 1; ; attempt++)
        {
            var wait = nextSendAt - time.GetUtcNow();
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);

            // Spacing between messages is the sender's rate limiter's.
            var result = await sender.SendHtmlAsync(html, cancellationToken).ConfigureAwait(false);
            switch (result)
            {
                case ChatSendResult.Sent:
                    return;
                case ChatSendResult.Rejected rejected:
                    await ReportAsync(rejected.Description, null, cancellationToken).ConfigureAwait(false);
                    return;
                case ChatSendResult.RetryAfter retry when attempt < MaxAttempts:
                    // Telegram's rule: nothing may go out before retry_after has passed.
                    nextSendAt = time.GetUtcNow() + retry.Delay;
                    await ReportAsync("Telegram asked to slow down (429).", retry.Delay, cancellationToken).ConfigureAwait(false);
                    break;
                case ChatSendResult.Transient transient when attempt < MaxAttempts:
                    // A schedule, not a wait: the next send of this chat (this message or a later one) is held back.
                    var backoff = TransientBackoff.DelayAfter(++transientFailures);
                    nextSendAt = time.GetUtcNow() + backoff;
                    await ReportAsync(transient.Description, backoff, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await ReportAsync($"Gave up on a Telegram message after {attempt} attempts.", null, cancellationToken).ConfigureAwait(false);
                    return;
            }
        }
    }

    private Task ReportAsync(string message, TimeSpan? retryIn, CancellationToken cancellationToken) =>
        output.WriteAsync([new WatchError(time.GetUtcNow(), "telegram", message, retryIn)], cancellationToken);
}

public sealed record TelegramPushSettings(Language Language, bool NotifyGone);

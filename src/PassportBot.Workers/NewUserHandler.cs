using Microsoft.Extensions.Logging;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Applies subscription changes and, on subscribe, sends the slots of that province that are open now.
/// Idempotent: a redelivered request changes nothing twice (a summary may be sent again).</summary>
public sealed partial class NewUserHandler(
    ISubscriptionStore subscriptions,
    IAvailabilityStore availability,
    IMessageBus bus,
    TimeProvider time,
    ILogger<NewUserHandler> logger)
{
    public async Task HandleAsync(SubscriptionRequest request, CancellationToken cancellationToken)
    {
        if (request.ChatId == 0) throw new PoisonMessageException("Subscription request without a chat id.");

        switch (request.Operation)
        {
            case SubscriptionOperation.Insert:
            {
                var province = Normalize(request.Province);
                var added = await subscriptions.SubscribeAsync(request.ChatId, province, request.Language, cancellationToken).ConfigureAwait(false);
                LogSubscribed(province, added);
                await SendSummaryAsync(request.ChatId, province, request.Language, cancellationToken).ConfigureAwait(false);
                break;
            }
            case SubscriptionOperation.Remove:
            {
                var province = Normalize(request.Province);
                await subscriptions.UnsubscribeAsync(request.ChatId, province, cancellationToken).ConfigureAwait(false);
                break;
            }
            case SubscriptionOperation.RemoveAll:
                await subscriptions.UnsubscribeAllAsync(request.ChatId, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new PoisonMessageException($"Unknown subscription operation {(int)request.Operation}.");
        }
    }

    /// <summary>The province's open slots that pass the subscriber's filter; nothing when none pass.</summary>
    private async Task SendSummaryAsync(long chatId, string province, Language? requested, CancellationToken ct)
    {
        var open = await availability.GetOpenSlotsAsync(province, ct).ConfigureAwait(false);
        if (!open.Any(o => o.Slots.Count > 0)) return; // the bot's confirmation already says we will notify
        var subscriber = await subscriptions.GetSubscriberAsync(chatId, province, ct).ConfigureAwait(false);
        var filter = subscriber?.Filter ?? SubscriberFilter.None;
        var language = requested ?? subscriber?.Language ?? Language.Italian;
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(RomeTime.ToRome(now));
        var offices = open
            .Select(o => new OfficeSlots(o.Office, o.Slots
                // A day that is over is closed by the next poll; it is no news meanwhile.
                .Where(s => s.Key.Date >= today && filter.Accepts(o.Office.Code, s.Key.Date, s.Key.Time, s.Places, today))
                .Select(NotifiedSlot.From).ToList()))
            .Where(o => o.Slots.Count > 0)
            .ToList();
        if (offices.Count == 0) return;
        var summary = new Notification(NotificationKind.Summary, language, province, offices);
        var message = OutgoingMessage.For(Recipient.Telegram(chatId), summary, now) with { Silent = filter.IsQuietAt(now) };
        await bus.PublishAsync(Queues.Message, message, ct).ConfigureAwait(false);
    }

    private static string Normalize(string? province) =>
        ProvinceCatalog.TryNormalize(province, out var code)
            ? code
            : throw new PoisonMessageException($"Unknown province code '{(province is { Length: > 10 } ? province[..10] + "…" : province)}'.");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription to {Province} applied (new: {Added})")]
    private partial void LogSubscribed(string province, bool added);
}

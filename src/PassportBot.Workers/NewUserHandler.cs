using Microsoft.Extensions.Logging;
using PassportBot.Domain;
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

    private async Task SendSummaryAsync(long chatId, string province, Language? requested, CancellationToken ct)
    {
        var open = await availability.GetOpenSlotsAsync(province, ct).ConfigureAwait(false);
        if (!open.Any(o => o.Slots.Count > 0)) return; // the bot's confirmation already says we will notify
        var language = requested ?? await subscriptions.GetLanguageAsync(chatId, ct).ConfigureAwait(false) ?? Language.Italian;
        var offices = open.Where(o => o.Slots.Count > 0)
            .Select(o => new OfficeSlots(o.Office, o.Slots.Select(NotifiedSlot.From).ToList()))
            .ToList();
        var summary = new Notification(NotificationKind.Summary, language, province, offices);
        var message = OutgoingMessage.For(Recipient.Telegram(chatId), summary, time.GetUtcNow());
        await bus.PublishAsync(Queues.Message, message, ct).ConfigureAwait(false);
    }

    private static string Normalize(string? province) =>
        ProvinceCatalog.TryNormalize(province, out var code)
            ? code
            : throw new PoisonMessageException($"Unknown province code '{(province is { Length: > 10 } ? province[..10] + "…" : province)}'.");

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription to {Province} applied (new: {Added})")]
    private partial void LogSubscribed(string province, bool added);
}

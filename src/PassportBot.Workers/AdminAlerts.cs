using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Storage;
using PassportBot.Telegram;

namespace PassportBot.Workers;

/// <summary>Operator alerts to the admin chats. Deduplicated across poller replicas with a lease, so an expired
/// session produces one alert, not one per replica or per poll.</summary>
public sealed partial class AdminAlerts(
    IMessageBus bus,
    ILeaseStore leases,
    IOptions<TelegramOptions> admins,
    TimeProvider time,
    ILogger<AdminAlerts> logger)
{
    private static readonly TimeSpan DedupWindow = TimeSpan.FromDays(2);
    private readonly string _owner = "alerts-" + Guid.NewGuid().ToString("N");

    /// <summary>Sends <paramref name="text"/> to every admin chat unless an alert with this key was already sent.</summary>
    public async Task SendOnceAsync(string key, string text, CancellationToken cancellationToken)
    {
        // A unique owner per call: the lease is then only ever taken when nobody sent this alert yet.
        if (!await leases.TryAcquireAsync("alert:" + key, _owner + Guid.NewGuid().ToString("N"), DedupWindow, cancellationToken).ConfigureAwait(false))
            return;

        var chats = admins.Value.AdminChatIds;
        if (chats.Length == 0)
        {
            LogNoAdmins(text);
            return;
        }
        var now = time.GetUtcNow();
        var alert = new Notification(NotificationKind.Alert, Language.English, null, [], Text: text);
        var messages = chats.Select(id => OutgoingMessage.For(Recipient.Telegram(id), alert, now)).ToList();
        await bus.PublishManyAsync(Queues.Message, messages, cancellationToken).ConfigureAwait(false);
        LogAlerted(key, chats.Length);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Operator alert (no Telegram:AdminChatIds configured): {Text}")]
    private partial void LogNoAdmins(string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {Key} sent to {Count} admin chat(s)")]
    private partial void LogAlerted(string key, int count);
}

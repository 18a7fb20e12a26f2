using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;

namespace PassportBot.Targets;

/// <summary>Thrown for a transient failure so the bus redelivers the event later (and dead-letters it after the
/// last attempt).</summary>
public sealed class TargetUnavailableException(string message) : Exception(message);

/// <summary>Delivers one queued notification to the webhook or ntfy target its recipient names. A transient failure
/// (5xx, 408, 429, timeout, network) goes back to the bus, which retries with back-off and dead-letters after
/// <see cref="NotificationTargetsOptions.MaxAttempts"/>; a refusal (other 4xx) is dead-lettered at once.</summary>
public sealed partial class TargetDispatcher(
    NotificationTargets targets,
    WebhookSender webhooks,
    NtfySender ntfy,
    IOptions<NotificationTargetsOptions> options,
    ILogger<TargetDispatcher> logger)
{
    private readonly TimeSpan _timeout = options.Value.Timeout;

    public async Task DispatchAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recipient = message.Recipient;
        var events = TargetEvent.From(message);
        switch (recipient?.Kind)
        {
            case RecipientKind.Webhook when targets.Webhook(recipient.Address) is { } endpoint:
                foreach (var e in events)
                    Check(message, endpoint.ToString(), await webhooks.SendAsync(endpoint, e, _timeout, cancellationToken).ConfigureAwait(false));
                break;
            case RecipientKind.Ntfy when targets.Ntfy(recipient.Address) is { } endpoint:
                foreach (var e in events)
                    Check(message, endpoint.ToString(), await ntfy.SendAsync(endpoint, e, _timeout, cancellationToken).ConfigureAwait(false));
                break;
            default:
                // Removed from the configuration since the message was queued, or not a target at all.
                LogUnknownTarget(message.Id, recipient?.Kind.ToString() ?? "none", recipient?.Address ?? "");
                return;
        }
        LogDelivered(message.Id, recipient.Kind, recipient.Address);
    }

    private void Check(OutgoingMessage message, string target, TargetSendResult result)
    {
        switch (result)
        {
            case TargetSendResult.Delivered:
                return;
            case TargetSendResult.Transient transient:
                LogTransient(message.Id, target, transient.Description);
                throw new TargetUnavailableException($"{target} did not take delivery {message.Id}: {transient.Description}");
            case TargetSendResult.Rejected rejected:
                LogRejected(message.Id, target, rejected.Description);
                throw new PoisonMessageException($"{target} refused delivery {message.Id}: {rejected.Description}");
            default:
                throw new InvalidOperationException($"Unknown send result {result.GetType().Name}.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Delivery {MessageId} taken by {Kind} target '{Name}'")]
    private partial void LogDelivered(string messageId, RecipientKind kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {MessageId} to {Target} failed ({Description}); the queue will retry it")]
    private partial void LogTransient(string messageId, string target, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery {MessageId} refused by {Target} ({Description}); dead-lettered")]
    private partial void LogRejected(string messageId, string target, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {MessageId} names {Kind} target '{Name}', which is not configured; dropped")]
    private partial void LogUnknownTarget(string messageId, string kind, string name);
}

using PassportBot.Messaging;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Which messages never wait behind a bulk fan-out of direct messages.</summary>
public static class DispatchPriority
{
    /// <summary>Channel posts (one post reaches a whole province at once), operator alerts, and answers to something
    /// a user just did (replies, the summary after subscribing).</summary>
    public static bool IsUrgent(OutgoingMessage message) =>
        message.Recipient?.Kind == RecipientKind.TelegramChannel
        || message.Kind is OutgoingKind.Alert or OutgoingKind.Reply or OutgoingKind.Summary;
}

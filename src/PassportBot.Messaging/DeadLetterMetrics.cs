using System.Text.Json;
using PassportBot.Observability;

namespace PassportBot.Messaging;

/// <summary>Counts a dead letter with what it was for: its queue and, on the queues that carry notifications
/// (<c>message</c>, <c>targets</c>), the kind of target it was going to. Shared by every transport.</summary>
public static class DeadLetterMetrics
{
    /// <summary>The target kind of a body that cannot be read as a notification (often the reason it died).</summary>
    public const string Unknown = "unknown";

    public static void Record(string queue, ReadOnlySpan<byte> body) =>
        PassportBotMetrics.DeadLettered(queue, TargetKindOf(queue, body));

    /// <summary><c>telegram</c>, <c>webhook</c> or <c>ntfy</c> (a v1 message is Telegram's), <see cref="Unknown"/> for an
    /// unreadable notification, null for the queues that carry no notification.</summary>
    public static string? TargetKindOf(string queue, ReadOnlySpan<byte> body)
    {
        if (queue != Queues.Message.Name && queue != Queues.Targets.Name) return null;
        try
        {
            return MessageJson.Deserialize<OutgoingMessage>(body).Recipient?.Kind switch
            {
                RecipientKind.Telegram => "telegram",
                RecipientKind.Webhook => "webhook",
                RecipientKind.Ntfy => "ntfy",
                _ => Unknown,
            };
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return Unknown;
        }
    }
}

using PassportBot.Domain;
using PassportBot.Messaging;

namespace PassportBot.Telegram.Sending;

/// <summary>Turns a queued notification into the text Telegram shows. v2 messages carry facts and are rendered
/// here, in the recipient's language; v1 messages (left in a queue across an upgrade) carry their text already.</summary>
public static class TelegramRendering
{
    /// <summary>The message with <see cref="OutgoingMessage.Content"/> and <see cref="OutgoingMessage.ParseMode"/> set.</summary>
    public static OutgoingMessage Render(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsPreRendered) return message;
        var rendered = AvailabilityFormatter.Render(message.ToNotification());
        return message with { Content = rendered.Text, ParseMode = rendered.IsHtml ? "HTML" : null };
    }
}

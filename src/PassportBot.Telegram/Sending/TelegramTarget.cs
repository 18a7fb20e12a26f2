using System.Globalization;
using PassportBot.Messaging;
using Telegram.Bot.Types;

namespace PassportBot.Telegram.Sending;

/// <summary>The Telegram chat behind a recipient: a user's chat (numeric id) or a province channel (numeric id or
/// public <c>@username</c>).</summary>
public static class TelegramTarget
{
    public static bool IsTelegram(Recipient? recipient) =>
        recipient?.Kind is RecipientKind.Telegram or RecipientKind.TelegramChannel;

    /// <summary>The chat to send to, or null when the recipient is not a Telegram chat or its address is unusable.</summary>
    public static ChatId? ChatOf(Recipient? recipient) => recipient?.Kind switch
    {
        RecipientKind.Telegram when recipient.ChatId != 0 => new ChatId(recipient.ChatId),
        RecipientKind.TelegramChannel when recipient.Address.StartsWith('@') && recipient.Address.Length > 1 => new ChatId(recipient.Address),
        RecipientKind.TelegramChannel when long.TryParse(recipient.Address, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && id != 0 =>
            new ChatId(id),
        _ => null,
    };

    /// <summary>A number standing for the chat in rate limits and metrics: the chat id, or for an <c>@username</c> a
    /// stable negative number of this process (a channel counts as a group).</summary>
    public static long KeyOf(Recipient recipient) => ChatOf(recipient) switch
    {
        { Identifier: { } id } => id,
        { Username: { } name } => long.MinValue / 2 - (StringComparer.OrdinalIgnoreCase.GetHashCode(name) & 0x7fffffffL),
        _ => 0,
    };

    /// <summary>How logs name the chat: its id, or the channel's address.</summary>
    public static string Describe(Recipient? recipient) => recipient?.Address ?? "(none)";
}

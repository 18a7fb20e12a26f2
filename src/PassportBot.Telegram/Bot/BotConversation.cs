using PassportBot.Domain.Texts;
using System.Globalization;
using System.Net;
using System.Text;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Storage;
using PassportBot.Targets.Channels;
using Telegram.Bot.Types.ReplyMarkups;

namespace PassportBot.Telegram.Bot;

/// <summary>What commands and buttons have in common: the user's language and provinces, and the
/// subscription requests handed to the new-user handler (which applies them and sends the summary).</summary>
public sealed class BotConversation(ISubscriptionStore subscriptions, IMessageBus bus, TelegramChannels? channels = null,
    ChannelInviteLinks? inviteLinks = null)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public async Task<BotChat> LoadAsync(long chatId, bool isPrivate, CancellationToken cancellationToken)
    {
        var language = await subscriptions.GetLanguageAsync(chatId, cancellationToken) ?? Language.Italian;
        return new BotChat(chatId, language, isPrivate);
    }

    public async Task<BotChat> SetLanguageAsync(BotChat chat, Language language, CancellationToken cancellationToken)
    {
        await subscriptions.SetLanguageAsync(chat.ChatId, language, cancellationToken);
        return chat with { Language = language };
    }

    public Task<IReadOnlyList<string>> ProvincesAsync(BotChat chat, CancellationToken cancellationToken) =>
        subscriptions.GetProvincesAsync(chat.ChatId, cancellationToken);

    public async Task<(string Html, InlineKeyboardMarkup Keyboard)> MainMenuAsync(BotChat chat, CancellationToken cancellationToken)
    {
        var provinces = await ProvincesAsync(chat, cancellationToken);
        var html = new StringBuilder(chat.Texts.Welcome).Append("\n\n").Append(ProvinceList(chat.Texts, provinces))
            .Append(await ChannelPointersAsync(chat, provinces, cancellationToken));
        return (html.ToString(), BotKeyboards.MainMenu(chat.Texts, chat.Language, provinces.Count > 0));
    }

    public static string ProvinceList(BotTexts t, IReadOnlyList<string> provinces)
    {
        if (provinces.Count == 0) return t.NoProvinces;
        var sb = new StringBuilder(t.YourProvinces);
        foreach (var code in provinces) sb.Append("\n• ").Append(Html(ProvinceNames.Display(code)));
        return sb.ToString();
    }

    /// <summary>Always publishes, even when the store says the province is already followed: the store may
    /// not yet reflect a request still in the queue, and the handler applies requests idempotently.</summary>
    public async Task<string> SubscribeAsync(BotChat chat, Province province, CancellationToken cancellationToken)
    {
        await PublishAsync(chat, province.QuesturaCode, SubscriptionOperation.Insert, cancellationToken);
        return Format(chat.Texts.Subscribed, Html(ProvinceNames.Display(province))) + await ChannelPointersAsync(chat, [province.QuesturaCode], cancellationToken);
    }

    /// <summary>The channels of the chat's provinces, for /list.</summary>
    public async Task<string> ChannelPointersAsync(BotChat chat, CancellationToken cancellationToken) =>
        channels is null || channels.IsEmpty ? "" : await ChannelPointersAsync(chat, await ProvincesAsync(chat, cancellationToken), cancellationToken);

    /// <summary>One line per channel of <paramref name="provinces"/> that a reader can join (a channel shared by several
    /// names them all), each on a paragraph of its own; empty when none has one. A public channel is shown by its
    /// <c>@username</c>, a private one by its invite link (<see cref="ChannelInviteLinks"/>); a private channel without
    /// one is not advertised.</summary>
    public async Task<string> ChannelPointersAsync(BotChat chat, IReadOnlyList<string> provinces, CancellationToken cancellationToken)
    {
        if (channels is null || channels.IsEmpty || provinces.Count == 0) return "";
        var sb = new StringBuilder();
        foreach (var group in provinces
                     .Select(p => (Province: p, Channel: channels.For(p)))
                     .Where(x => x.Channel is not null)
                     .GroupBy(x => x.Channel!.Address, StringComparer.OrdinalIgnoreCase))
        {
            var channel = group.First().Channel!;
            var link = inviteLinks is null
                ? TelegramChannels.PublicLink(channel) is null ? null : channel.Address
                : await inviteLinks.LinkAsync(channel, cancellationToken);
            if (link is null) continue;
            var names = string.Join(", ", group.Select(x => Html(ProvinceNames.Display(x.Province))));
            sb.Append("\n\n").Append(Format(chat.Texts.ChannelPointer, names, Html(link)));
        }
        return sb.ToString();
    }

    public async Task<string> UnsubscribeAsync(BotChat chat, string questuraCode, CancellationToken cancellationToken)
    {
        await PublishAsync(chat, questuraCode, SubscriptionOperation.Remove, cancellationToken);
        return Format(chat.Texts.Unsubscribed, Html(ProvinceNames.Display(questuraCode)));
    }

    public async Task<string> RemoveAllAsync(BotChat chat, CancellationToken cancellationToken)
    {
        await PublishAsync(chat, null, SubscriptionOperation.RemoveAll, cancellationToken);
        return chat.Texts.RemovedAll;
    }

    public static string Format(string template, params object[] values) => string.Format(Inv, template, values);

    public static string Html(string text) => WebUtility.HtmlEncode(text);

    private Task PublishAsync(BotChat chat, string? province, SubscriptionOperation operation, CancellationToken cancellationToken) =>
        bus.PublishAsync(Queues.NewUser, new SubscriptionRequest(chat.ChatId, province, operation) { Language = chat.Language }, cancellationToken);
}

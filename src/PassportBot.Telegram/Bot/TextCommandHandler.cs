using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain.Texts;
using PassportBot.Domain;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace PassportBot.Telegram.Bot;

/// <summary>Commands typed by users: /start, /subscribe, /unsubscribe, /list, /stop, /lang, /help, the filter
/// commands (see <see cref="FilterConversation"/>), and the
/// admin commands for admins in private chats (elsewhere a message that may hold a secret is deleted).
/// Never echoes a whole message back.</summary>
public sealed partial class TextCommandHandler(
    BotConversation conversation,
    FilterConversation filters,
    BotReplies replies,
    AdminCommands admin,
    IOptions<TelegramOptions> options,
    ILogger<TextCommandHandler> logger)
{
    private const int MaxEchoedCodeLength = 12;

    public async Task HandleAsync(Message message, CancellationToken cancellationToken)
    {
        var isPrivate = message.Chat.Type == ChatType.Private;
        var chat = await conversation.LoadAsync(message.Chat.Id, isPrivate, cancellationToken);
        if (!SlashCommand.TryParse(message.Text, out var command))
        {
            // In groups, plain chatter is not addressed to us. In private, a municipality's name gets /town's answer.
            if (isPrivate && !(message.Text is { } text && await filters.TryTownAsync(chat, text, cancellationToken)))
                await ReplyAsync(chat, chat.Texts.FreeTextHelp + "\n\n" + chat.Texts.Help, cancellationToken);
            return;
        }

        LogCommand(chat.ChatId, command.Name);
        switch (command.Name)
        {
            case "start" or "menu":
                var (html, keyboard) = await conversation.MainMenuAsync(chat, cancellationToken);
                await replies.SendAsync(chat.ChatId, html, keyboard, cancellationToken);
                break;
            case "help":
                await ReplyAsync(chat, chat.Texts.Help, cancellationToken);
                break;
            case "subscribe":
                await SubscribeAsync(chat, command, cancellationToken);
                break;
            case "unsubscribe":
                await UnsubscribeAsync(chat, command, cancellationToken);
                break;
            case "list":
                await ReplyAsync(chat, await filters.ProvinceListAsync(chat, cancellationToken) + await conversation.ChannelPointersAsync(chat, cancellationToken), cancellationToken);
                break;
            case var name when FilterConversation.Commands.Contains(name):
                await filters.HandleCommandAsync(chat, command, cancellationToken);
                break;
            case "stop":
                await ReplyAsync(chat, await conversation.RemoveAllAsync(chat, cancellationToken), cancellationToken);
                break;
            case "lang" or "language" or "lingua":
                await LanguageAsync(chat, command, cancellationToken);
                break;
            case "cookie" or "csrf" or "status" when isPrivate && options.Value.IsAdmin(chat.ChatId):
                await admin.HandleAsync(chat, message, command, cancellationToken);
                break;
            case "cookie" or "csrf" when command.Arguments.Length > 0:
                await admin.RefuseSecretAsync(chat, message, command, cancellationToken);
                break;
            default:
                await ReplyAsync(chat, chat.Texts.UnknownCommand + "\n\n" + chat.Texts.Help, cancellationToken);
                break;
        }
    }

    private async Task SubscribeAsync(BotChat chat, SlashCommand command, CancellationToken cancellationToken)
    {
        var codes = command.Codes();
        if (codes.Count == 0)
        {
            await replies.SendAsync(chat.ChatId, chat.Texts.SubscribeUsage, BotKeyboards.RegionList(chat.Texts), cancellationToken);
            return;
        }
        var reply = new StringBuilder();
        foreach (var code in codes)
        {
            if (ProvinceCatalog.TryGet(code, out var province))
                reply.AppendLine(await conversation.SubscribeAsync(chat, province, cancellationToken));
        }
        AppendInvalid(reply, chat.Texts, codes);
        await ReplyAsync(chat, reply.ToString().TrimEnd(), cancellationToken);
    }

    private async Task UnsubscribeAsync(BotChat chat, SlashCommand command, CancellationToken cancellationToken)
    {
        var codes = command.Codes();
        if (codes.Count == 0)
        {
            var followed = await conversation.ProvincesAsync(chat, cancellationToken);
            if (followed.Count == 0) await ReplyAsync(chat, chat.Texts.NothingToRemove + "\n" + chat.Texts.UnsubscribeUsage, cancellationToken);
            else await replies.SendAsync(chat.ChatId, chat.Texts.ChooseUnsubscribe, BotKeyboards.UnsubscribeList(chat.Texts, followed), cancellationToken);
            return;
        }
        var reply = new StringBuilder();
        foreach (var code in codes)
        {
            if (ProvinceCatalog.TryNormalize(code, out var questura))
                reply.AppendLine(await conversation.UnsubscribeAsync(chat, questura, cancellationToken));
        }
        AppendInvalid(reply, chat.Texts, codes);
        await ReplyAsync(chat, reply.ToString().TrimEnd(), cancellationToken);
    }

    private async Task LanguageAsync(BotChat chat, SlashCommand command, CancellationToken cancellationToken)
    {
        if (!LanguageCodes.TryParse(command.Arguments, out var language))
        {
            await ReplyAsync(chat, chat.Texts.LanguageUsage, cancellationToken);
            return;
        }
        chat = await conversation.SetLanguageAsync(chat, language, cancellationToken);
        await ReplyAsync(chat, chat.Texts.LanguageSet + "\n\n" + chat.Texts.Help, cancellationToken);
    }

    private static void AppendInvalid(StringBuilder reply, BotTexts t, IReadOnlyList<string> codes)
    {
        var invalid = codes.Where(c => !ProvinceCatalog.TryGet(c, out _)).Take(3)
            .Select(c => "«" + BotConversation.Html(c.Length <= MaxEchoedCodeLength ? c : c[..MaxEchoedCodeLength] + "…") + "»")
            .ToList();
        if (invalid.Count > 0) reply.AppendLine(BotConversation.Format(t.InvalidCodes, string.Join(", ", invalid)));
    }

    private Task<bool> ReplyAsync(BotChat chat, string html, CancellationToken cancellationToken) =>
        replies.SendAsync(chat.ChatId, html, keyboard: null, cancellationToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chat {ChatId} sent /{Command}")]
    private partial void LogCommand(long chatId, string command);
}

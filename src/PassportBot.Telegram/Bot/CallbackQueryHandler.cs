using Microsoft.Extensions.Logging;
using PassportBot.Domain;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace PassportBot.Telegram.Bot;

/// <summary>Inline buttons of the guided flows. Every query is answered exactly once; buttons with
/// tampered, stale or unknown data get a polite notice.</summary>
public sealed partial class CallbackQueryHandler(
    BotConversation conversation,
    FilterConversation filters,
    BotReplies replies,
    ILogger<CallbackQueryHandler> logger)
{
    public async Task HandleAsync(CallbackQuery query, CancellationToken cancellationToken)
    {
        if (query.Message is not { } message || !CallbackAction.TryParse(query.Data, out var action))
        {
            LogInvalid(query.From.Id);
            var language = await conversation.LoadAsync(query.From.Id, isPrivate: true, cancellationToken);
            await replies.AnswerCallbackAsync(query.Id, language.Texts.ButtonExpired, cancellationToken);
            return;
        }

        var chat = await conversation.LoadAsync(message.Chat.Id, message.Chat.Type == ChatType.Private, cancellationToken);
        string? notice = null;
        try
        {
            (chat, notice) = await ApplyAsync(chat, message.Id, action, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(e, chat.ChatId, action.Encode());
            notice = chat.Texts.Failure;
        }
        finally
        {
            await replies.AnswerCallbackAsync(query.Id, notice, CancellationToken.None);
        }
    }

    private async Task<(BotChat Chat, string? Notice)> ApplyAsync(BotChat chat, int messageId, CallbackAction action, CancellationToken ct)
    {
        var t = chat.Texts;
        switch (action.Kind)
        {
            case CallbackKind.Menu:
                var (menu, menuKeyboard) = await conversation.MainMenuAsync(chat, ct);
                await EditAsync(chat, messageId, menu, menuKeyboard, ct);
                return (chat, null);

            case CallbackKind.Regions:
                await EditAsync(chat, messageId, t.ChooseRegion, BotKeyboards.RegionList(t), ct);
                return (chat, null);

            case CallbackKind.Region:
                var region = ProvinceCatalog.Regions[action.RegionIndex];
                await EditAsync(chat, messageId, BotConversation.Format(t.ChooseProvince, BotConversation.Html(region)), BotKeyboards.ProvinceList(t, region), ct);
                return (chat, null);

            case CallbackKind.PickProvince:
                var province = action.Province;
                var question = BotConversation.Format(t.ConfirmSubscribe, BotConversation.Html(ProvinceNames.Display(province)));
                if (province.Code != province.QuesturaCode)
                {
                    question += "\n" + BotConversation.Format(t.ServedBy, BotConversation.Html(province.Name),
                        BotConversation.Html(ProvinceNames.Display(province.QuesturaCode)));
                }
                var regionIndex = ProvinceCatalog.Regions.ToList().IndexOf(province.Region);
                await EditAsync(chat, messageId, question, BotKeyboards.ConfirmSubscribe(t, province, regionIndex), ct);
                return (chat, null);

            case CallbackKind.Subscribe:
                var subscribed = await conversation.SubscribeAsync(chat, action.Province, ct);
                await EditAsync(chat, messageId, subscribed, BotKeyboards.BackToMenu(t), ct);
                return (chat, "✅");

            case CallbackKind.UnsubscribeMenu:
                var followed = await conversation.ProvincesAsync(chat, ct);
                if (followed.Count == 0) await EditAsync(chat, messageId, t.NothingToRemove, BotKeyboards.BackToMenu(t), ct);
                else await EditAsync(chat, messageId, t.ChooseUnsubscribe, BotKeyboards.UnsubscribeList(t, followed), ct);
                return (chat, null);

            case CallbackKind.Unsubscribe:
                var unsubscribed = await conversation.UnsubscribeAsync(chat, action.Province.QuesturaCode, ct);
                await EditAsync(chat, messageId, unsubscribed, BotKeyboards.BackToMenu(t), ct);
                return (chat, null);

            case CallbackKind.RemoveAllAsk:
                var count = (await conversation.ProvincesAsync(chat, ct)).Count;
                if (count == 0) await EditAsync(chat, messageId, t.NothingToRemove, BotKeyboards.BackToMenu(t), ct);
                else await EditAsync(chat, messageId, BotConversation.Format(t.ConfirmRemoveAll, count), BotKeyboards.ConfirmRemoveAll(t), ct);
                return (chat, null);

            case CallbackKind.RemoveAllConfirm:
                var removed = await conversation.RemoveAllAsync(chat, ct);
                await EditAsync(chat, messageId, removed, BotKeyboards.BackToMenu(t), ct);
                return (chat, null);

            case CallbackKind.Language:
                LanguageCodes.TryParse(action.Argument, out var language);
                chat = await conversation.SetLanguageAsync(chat, language, ct);
                var (html, keyboard) = await conversation.MainMenuAsync(chat, ct);
                await EditAsync(chat, messageId, html, keyboard, ct);
                return (chat, chat.Texts.LanguageSet);

            case CallbackKind.Filters or CallbackKind.FilterMenu or CallbackKind.FilterValue or CallbackKind.FilterClear
                or CallbackKind.Offices or CallbackKind.OfficeToggle or CallbackKind.OfficesAll
                or CallbackKind.EraseAsk or CallbackKind.EraseConfirm:
                return (chat, await filters.ApplyAsync(chat, messageId, action, ct));

            default:
                return (chat, t.ButtonExpired);
        }
    }

    private Task<bool> EditAsync(BotChat chat, int messageId, string html, InlineKeyboardMarkup keyboard, CancellationToken ct) =>
        replies.EditOrSendAsync(chat.ChatId, messageId, html, keyboard, ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a button with invalid or stale data from user {UserId}")]
    private partial void LogInvalid(long userId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Button {Action} in chat {ChatId} failed")]
    private partial void LogFailed(Exception exception, long chatId, string action);
}

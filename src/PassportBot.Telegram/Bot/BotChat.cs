using PassportBot.Domain.Texts;
using PassportBot.Domain;

namespace PassportBot.Telegram.Bot;

/// <summary>The chat an update came from, with the language to answer in.</summary>
public sealed record BotChat(long ChatId, Language Language, bool IsPrivate)
{
    public BotTexts Texts => TextCatalog.For(Language).Bot;
}

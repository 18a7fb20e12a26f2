namespace PassportBot.Domain.Texts;

/// <summary>What the bot says in the chat, in Telegram's HTML subset (<c>&lt;b&gt;</c>, <c>&lt;code&gt;</c>):
/// only the chat shows these. Placeholders are composite-format indexes and take values already HTML-encoded.</summary>
public sealed record BotTexts
{
    public required string Welcome { get; init; }
    public required string YourProvinces { get; init; }
    public required string NoProvinces { get; init; }
    public required string Help { get; init; }
    public required string UnknownCommand { get; init; }
    public required string FreeTextHelp { get; init; }

    public required string ChooseRegion { get; init; }
    public required string ChooseProvince { get; init; }
    public required string ConfirmSubscribe { get; init; }
    public required string ServedBy { get; init; }
    public required string Subscribed { get; init; }
    public required string SubscribeUsage { get; init; }
    /// <summary>A province with a broadcast channel: {0} the province(s), {1} the channel's @username or invite link.</summary>
    public required string ChannelPointer { get; init; }
    public required string InvalidCodes { get; init; }

    public required string ChooseUnsubscribe { get; init; }
    public required string Unsubscribed { get; init; }
    public required string UnsubscribeUsage { get; init; }
    public required string ConfirmRemoveAll { get; init; }
    public required string RemovedAll { get; init; }
    public required string NothingToRemove { get; init; }

    public required string LanguageSet { get; init; }
    public required string LanguageUsage { get; init; }
    public required string ButtonExpired { get; init; }
    public required string Failure { get; init; }

    public required string ButtonSubscribe { get; init; }
    public required string ButtonUnsubscribe { get; init; }
    public required string ButtonRemoveAll { get; init; }
    public required string ButtonOtherLanguage { get; init; }
    public required string ButtonYes { get; init; }
    public required string ButtonNo { get; init; }
    public required string ButtonBack { get; init; }

    public required string SecretSaved { get; init; }
    public required string SecretNotDeleted { get; init; }
    public required string SecretUsage { get; init; }
    public required string SecretTooLong { get; init; }
    public required string SecretControlCharacters { get; init; }
    public required string SecretRefused { get; init; }
    public required string SecretRefusedNotDeleted { get; init; }
    public required string CredentialStatus { get; init; }
    public required string CredentialStatusExpired { get; init; }
    public required string NoAgendaSession { get; init; }

    /// <summary>The command menu Telegram clients show: command (without the slash) and its description, in plain text.</summary>
    public required IReadOnlyList<BotCommandText> Commands { get; init; }
}

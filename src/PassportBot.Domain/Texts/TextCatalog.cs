namespace PassportBot.Domain.Texts;

/// <summary>One language's words for every place PassportBot speaks: the bot, the notifications every target
/// renders, and <c>watch</c>. One catalogue per language (<see cref="It"/>, <see cref="En"/>); renderers add
/// markup and escaping, the catalogue holds only words.</summary>
public sealed partial record TextCatalog
{
    public required Language Language { get; init; }
    public required BotTexts Bot { get; init; }
    public required FilterTexts Filters { get; init; }
    public required NotificationTexts Notifications { get; init; }
    public required WatchTexts Watch { get; init; }
    public required CliTexts Cli { get; init; }

    public static TextCatalog For(Language language) => language == Language.English ? En : It;

    /// <summary>Every catalogue, Italian (the default) first.</summary>
    public static IReadOnlyList<TextCatalog> All => [It, En];
}

namespace PassportBot.Telegram.Bot;

/// <summary>One-letter names of the user's filters in button data.</summary>
public static class FilterField
{
    public const char Before = 'b';
    public const char Within = 'w';
    public const char MinPlaces = 'm';
    public const char Days = 'd';
    public const char Quiet = 'q';
    public const char Gone = 'g';

    /// <summary>Fields with a menu of choices (gone is a plain on/off switch).</summary>
    public static IReadOnlyList<char> Menus { get; } = [Before, Within, MinPlaces, Days, Quiet];
}

namespace PassportBot.Cli;

/// <summary><c>Demo:*</c> configuration of <c>passportbot demo</c>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>Provinces the console chat follows when no Telegram token is configured.</summary>
    public List<string> Provinces { get; set; } = [];

    /// <summary>Used when <see cref="Provinces"/> is empty.</summary>
    public static IReadOnlyList<string> DefaultProvinces { get; } = ["TO", "MI", "RM"];
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using PassportBot.Domain;

namespace PassportBot.Telegram.Bot;

public enum CallbackKind
{
    Menu,
    Regions,
    Region,
    PickProvince,
    Subscribe,
    UnsubscribeMenu,
    Unsubscribe,
    RemoveAllAsk,
    RemoveAllConfirm,
    Language,
}

/// <summary>What an inline button asks for, encoded as compact callback data ("r:7", "s:TO", ...; always
/// far below Telegram's 64-byte limit). Parsing is strict: anything else is a tampered or stale button.</summary>
public sealed record CallbackAction(CallbackKind Kind, string? Argument = null)
{
    public const int MaxBytes = 64;

    public static CallbackAction Menu { get; } = new(CallbackKind.Menu);
    public static CallbackAction Regions { get; } = new(CallbackKind.Regions);
    public static CallbackAction UnsubscribeMenu { get; } = new(CallbackKind.UnsubscribeMenu);
    public static CallbackAction RemoveAllAsk { get; } = new(CallbackKind.RemoveAllAsk);
    public static CallbackAction RemoveAllConfirm { get; } = new(CallbackKind.RemoveAllConfirm);

    public static CallbackAction Region(int index) => new(CallbackKind.Region, index.ToString(CultureInfo.InvariantCulture));
    public static CallbackAction PickProvince(Province p) => new(CallbackKind.PickProvince, p.Code);
    public static CallbackAction Subscribe(Province p) => new(CallbackKind.Subscribe, p.Code);
    public static CallbackAction Unsubscribe(string questuraCode) => new(CallbackKind.Unsubscribe, questuraCode);
    public static CallbackAction SwitchLanguage(Language language) => new(CallbackKind.Language, language.ToCode());

    public string Encode() => Argument is null ? Prefix(Kind) : $"{Prefix(Kind)}:{Argument}";

    public override string ToString() => Encode();

    /// <summary>The region index, for <see cref="CallbackKind.Region"/>.</summary>
    public int RegionIndex => int.Parse(Argument!, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The province named by the argument, for province actions.</summary>
    public Province Province => ProvinceCatalog.TryGet(Argument, out var p) ? p : throw new InvalidOperationException("No province argument.");

    public static bool TryParse(string? data, [NotNullWhen(true)] out CallbackAction? action)
    {
        action = null;
        if (string.IsNullOrEmpty(data) || Encoding.UTF8.GetByteCount(data) > MaxBytes) return false;
        var colon = data.IndexOf(':');
        var prefix = colon < 0 ? data : data[..colon];
        var argument = colon < 0 ? null : data[(colon + 1)..];
        action = prefix switch
        {
            "m" when argument is null => Menu,
            "g" when argument is null => Regions,
            "u" when argument is null => UnsubscribeMenu,
            "a" when argument is null => RemoveAllAsk,
            "A" when argument is null => RemoveAllConfirm,
            "r" when IsRegionIndex(argument) => new CallbackAction(CallbackKind.Region, argument),
            "p" when IsProvinceCode(argument) => new CallbackAction(CallbackKind.PickProvince, argument),
            "s" when IsProvinceCode(argument) => new CallbackAction(CallbackKind.Subscribe, argument),
            "x" when IsProvinceCode(argument) => new CallbackAction(CallbackKind.Unsubscribe, argument),
            "l" when argument is "it" or "en" => new CallbackAction(CallbackKind.Language, argument),
            _ => null,
        };
        return action is not null;
    }

    // Exact canonical forms only ("07", "+7", " TO", "to" are not buttons we ever made).
    private static bool IsRegionIndex(string? s) =>
        s is { Length: > 0 and <= 2 } && s.All(char.IsAsciiDigit) && (s.Length == 1 || s[0] != '0')
        && int.Parse(s, CultureInfo.InvariantCulture) < ProvinceCatalog.Regions.Count;

    private static bool IsProvinceCode(string? s) =>
        s is { Length: 2 } && s.All(char.IsAsciiLetterUpper) && ProvinceCatalog.TryGet(s, out _);

    private static string Prefix(CallbackKind kind) => kind switch
    {
        CallbackKind.Menu => "m",
        CallbackKind.Regions => "g",
        CallbackKind.Region => "r",
        CallbackKind.PickProvince => "p",
        CallbackKind.Subscribe => "s",
        CallbackKind.UnsubscribeMenu => "u",
        CallbackKind.Unsubscribe => "x",
        CallbackKind.RemoveAllAsk => "a",
        CallbackKind.RemoveAllConfirm => "A",
        CallbackKind.Language => "l",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using PassportBot.Domain;
using PassportBot.Domain.Filters;

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
    Filters,
    FilterMenu,
    FilterValue,
    FilterClear,
    Offices,
    OfficeToggle,
    OfficesAll,
    EraseAsk,
    EraseConfirm,
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
    public static CallbackAction Filters { get; } = new(CallbackKind.Filters);
    public static CallbackAction FilterClear { get; } = new(CallbackKind.FilterClear);
    public static CallbackAction EraseAsk { get; } = new(CallbackKind.EraseAsk);
    public static CallbackAction EraseConfirm { get; } = new(CallbackKind.EraseConfirm);

    /// <summary>The choices for one filter field (see <see cref="FilterField"/>).</summary>
    public static CallbackAction FilterMenu(char field) => new(CallbackKind.FilterMenu, field.ToString());

    /// <summary>Sets one filter field; for days the value toggles one weekday ("0".."6") or clears ("all").</summary>
    public static CallbackAction FilterValue(char field, string value) => new(CallbackKind.FilterValue, $"{field}:{value}");

    public static CallbackAction Offices(string questuraCode) => new(CallbackKind.Offices, questuraCode);
    public static CallbackAction OfficeToggle(string questuraCode, string officeCode) => new(CallbackKind.OfficeToggle, $"{questuraCode}:{officeCode}");
    public static CallbackAction OfficesAll(string questuraCode) => new(CallbackKind.OfficesAll, questuraCode);

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
            "f" when argument is null => Filters,
            "fc" when argument is null => FilterClear,
            "e" when argument is null => EraseAsk,
            "E" when argument is null => EraseConfirm,
            "fs" when argument is { Length: 1 } && FilterField.Menus.Contains(argument[0]) => new CallbackAction(CallbackKind.FilterMenu, argument),
            "fv" when IsFilterValue(argument) => new CallbackAction(CallbackKind.FilterValue, argument),
            "o" when IsQuesturaCode(argument) => new CallbackAction(CallbackKind.Offices, argument),
            "oa" when IsQuesturaCode(argument) => new CallbackAction(CallbackKind.OfficesAll, argument),
            "ot" when IsOfficeToggle(argument) => new CallbackAction(CallbackKind.OfficeToggle, argument),
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

    /// <summary>The field and value of a <see cref="CallbackKind.FilterValue"/> action.</summary>
    public (char Field, string Value) FilterSetting => (Argument![0], Argument[2..]);

    /// <summary>The agenda province and office code of a <see cref="CallbackKind.OfficeToggle"/> action.</summary>
    public (string Province, string OfficeCode) OfficeSetting => (Argument![..2], Argument[3..]);

    private static bool IsQuesturaCode(string? s) =>
        s is { Length: 2 } && s.All(char.IsAsciiLetterUpper) && ProvinceCatalog.ForQuestura(s) is not null;

    private static bool IsOfficeToggle(string? s) =>
        s is { Length: >= 5 and <= 15 } && s[2] == ':' && IsQuesturaCode(s[..2]) && IsOfficeCode(s[3..]);

    public static bool IsOfficeCode(string s) =>
        s.Length is >= 2 and <= 12 && s.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    // Only the canonical form each button is made with: a value must read back to exactly itself.
    private static bool IsFilterValue(string? s)
    {
        if (s is not { Length: >= 3 } || s[1] != ':') return false;
        var value = s[2..];
        return s[0] switch
        {
            FilterField.Within => value == "off" || FilterInput.ParseWithin(value) is { IsValid: true, Value: { } n } && Canonical(n) == value,
            FilterField.MinPlaces => value == "off" || FilterInput.ParseMinPlaces(value) is { IsValid: true, Value: { } n } && Canonical(n) == value,
            FilterField.Before => value == "off" || DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            FilterField.Days => value == "all" || value is { Length: 1 } && value[0] is >= '0' and <= '6',
            FilterField.Quiet => value == "off" || FilterInput.ParseQuiet(value) is { IsValid: true, Value: { } q } && q.ToString() == value,
            FilterField.Gone => value is "on" or "off",
            _ => false,
        };
    }

    private static string Canonical(int n) => n.ToString(CultureInfo.InvariantCulture);

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
        CallbackKind.Filters => "f",
        CallbackKind.FilterMenu => "fs",
        CallbackKind.FilterValue => "fv",
        CallbackKind.FilterClear => "fc",
        CallbackKind.Offices => "o",
        CallbackKind.OfficeToggle => "ot",
        CallbackKind.OfficesAll => "oa",
        CallbackKind.EraseAsk => "e",
        CallbackKind.EraseConfirm => "E",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

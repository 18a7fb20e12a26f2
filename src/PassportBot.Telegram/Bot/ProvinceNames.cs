using PassportBot.Domain;

namespace PassportBot.Telegram.Bot;

/// <summary>How provinces are shown to users.</summary>
public static class ProvinceNames
{
    /// <summary>"Torino (TO)" for a province or agenda code; the bare code when unknown. Not HTML-encoded.</summary>
    public static string Display(string code)
    {
        var province = ProvinceCatalog.ForQuestura(code) ?? (ProvinceCatalog.TryGet(code, out var p) ? p : null);
        return province is null ? code : $"{province.Name} ({province.Code})";
    }

    public static string Display(Province province) => $"{province.Name} ({province.Code})";
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace PassportBot.Domain;

/// <summary>An Italian province. <see cref="Code"/> is its sigla (as on maps);
/// <see cref="QuesturaCode"/> is the code the agenda site knows it by (Sud Sardegna, SU, is served by CA).</summary>
public sealed record Province(string Code, string QuesturaCode, string Name, string Region);

/// <summary>The 107 provinces grouped by their 20 regions. Data from ISTAT's list, carried in our own form.</summary>
public static class ProvinceCatalog
{
    private static readonly Lazy<Catalog> Data = new(Load);

    public static IReadOnlyList<Province> All => Data.Value.All;

    /// <summary>Region names in alphabetical order.</summary>
    public static IReadOnlyList<string> Regions => Data.Value.Regions;

    /// <summary>Codes the agenda site accepts (106: SU maps to CA).</summary>
    public static IReadOnlyList<string> QuesturaCodes => Data.Value.QuesturaCodes;

    public static IReadOnlyList<Province> InRegion(string region) =>
        Data.Value.ByRegion.TryGetValue(region, out var list) ? list : [];

    /// <summary>Looks up a province by its code, case-insensitively, ignoring surrounding blanks.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out Province? province)
    {
        province = null;
        if (string.IsNullOrWhiteSpace(code)) return false;
        var trimmed = code.Trim();
        if (trimmed.Length != 2) return false;
        return Data.Value.ByCode.TryGetValue(trimmed.ToUpperInvariant(), out province);
    }

    /// <summary>Normalises user input to the agenda code to subscribe to ("su" → "CA", " to " → "TO").</summary>
    public static bool TryNormalize(string? code, [NotNullWhen(true)] out string? questuraCode)
    {
        questuraCode = TryGet(code, out var p) ? p.QuesturaCode : null;
        return questuraCode is not null;
    }

    /// <summary>The province whose own code equals the agenda code (for CA, Cagliari rather than Sud Sardegna).</summary>
    public static Province? ForQuestura(string questuraCode) =>
        TryGet(questuraCode, out var p) && p.Code == p.QuesturaCode ? p : null;

    private sealed record Catalog(
        IReadOnlyList<Province> All,
        IReadOnlyList<string> Regions,
        IReadOnlyList<string> QuesturaCodes,
        IReadOnlyDictionary<string, Province> ByCode,
        IReadOnlyDictionary<string, IReadOnlyList<Province>> ByRegion);

    private sealed record Row(string Code, string Questura, string Name, string Region);

    private static Catalog Load()
    {
        using var stream = typeof(ProvinceCatalog).Assembly.GetManifestResourceStream("PassportBot.Domain.provinces.json")
            ?? throw new InvalidOperationException("Province data is missing from the assembly.");
        var rows = JsonSerializer.Deserialize<Row[]>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("Province data is empty.");
        var all = rows.Select(r => new Province(r.Code, r.Questura, r.Name, r.Region))
            .OrderBy(p => p.Region, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToArray();
        var byRegion = all.GroupBy(p => p.Region).ToDictionary(g => g.Key, g => (IReadOnlyList<Province>)g.ToArray());
        return new Catalog(
            all,
            byRegion.Keys.Order(StringComparer.Ordinal).ToArray(),
            all.Select(p => p.QuesturaCode).Distinct().Order(StringComparer.Ordinal).ToArray(),
            all.ToDictionary(p => p.Code),
            byRegion);
    }
}

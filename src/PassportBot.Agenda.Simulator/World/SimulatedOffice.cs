using System.Text.Json;
using System.Text.Json.Serialization;
using PassportBot.Domain;

namespace PassportBot.Agenda.Simulator.World;

/// <summary>An office as the simulated agenda knows it.</summary>
public sealed record SimulatedOffice(
    int Id,
    string Code,
    string Name,
    string Street,
    string City,
    string Province,
    double Latitude,
    double Longitude,
    TimeOnly BookableFrom,
    bool Synthetic = false)
{
    /// <summary>Full province name in capitals, as endpoint A's <c>provincia</c>.</summary>
    public string ProvinceName => ProvinceCatalog.ForQuestura(Province)?.Name.ToUpperInvariant() ?? Province;
}

/// <summary>The embedded office catalogue (see Data/README.md for its origin).</summary>
public static class OfficeCatalog
{
    private static readonly Lazy<IReadOnlyList<SimulatedOffice>> Data = new(Load);

    public static IReadOnlyList<SimulatedOffice> All => Data.Value;

    private sealed record Row(
        [property: JsonPropertyName("id")] int Id,
        [property: JsonPropertyName("code")] string Code,
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("street")] string Street,
        [property: JsonPropertyName("city")] string City,
        [property: JsonPropertyName("province")] string Province,
        [property: JsonPropertyName("lat")] double Lat,
        [property: JsonPropertyName("lon")] double Lon,
        [property: JsonPropertyName("open")] string Open,
        [property: JsonPropertyName("synthetic")] bool Synthetic);

    private static IReadOnlyList<SimulatedOffice> Load()
    {
        using var stream = typeof(OfficeCatalog).Assembly.GetManifestResourceStream("PassportBot.Agenda.Simulator.offices.json")
            ?? throw new InvalidOperationException("The simulator's office data is missing from the assembly.");
        var rows = JsonSerializer.Deserialize<Row[]>(stream) ?? throw new InvalidOperationException("The simulator's office data is empty.");
        return rows.Select(r => new SimulatedOffice(r.Id, r.Code, r.Name, r.Street, r.City, r.Province, r.Lat, r.Lon,
                AgendaParsing.TryParseTime(r.Open, out var open) ? open : new TimeOnly(8, 0), r.Synthetic))
            .OrderBy(o => o.Id)
            .ToArray();
    }
}

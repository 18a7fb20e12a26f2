using PassportBot.Agenda.Simulator.World;
using PassportBot.Domain;

namespace PassportBot.Agenda.Simulator.Server;

/// <summary>Endpoint C's municipalities: the towns of the simulated offices, the provincial capitals, and a few
/// towns of Sud Sardegna (province SU, served by the Questura of Cagliari).</summary>
internal sealed class MunicipalityDirectory
{
    private static readonly (string Name, string Province)[] Extra =
        [("CARBONIA", "SU"), ("IGLESIAS", "SU"), ("SANLURI", "SU"), ("VILLACIDRO", "SU"), ("VIGODARZERE", "PD")];

    private readonly WireMunicipality[] all;

    public MunicipalityDirectory(IEnumerable<SimulatedOffice> offices)
    {
        var towns = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var office in offices.Where(o => o.City.Length > 0)) towns.TryAdd(office.City.ToUpperInvariant(), office.Province);
        foreach (var province in ProvinceCatalog.All.Where(p => p.Code == p.QuesturaCode)) towns.TryAdd(province.Name.ToUpperInvariant(), province.Code);
        foreach (var (name, province) in Extra) towns[name] = province;
        all = towns.Select((t, i) => new WireMunicipality(
                (6000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), t.Key, t.Value,
                ProvinceCatalog.TryGet(t.Value, out var p) ? p.QuesturaCode : t.Value, $"X{i:000}"))
            .ToArray();
    }

    public IReadOnlyList<WireMunicipality> Search(string name)
    {
        var wanted = name.Trim();
        if (wanted.Length == 0) return [];
        return all.Where(m => m.Denominazione.Contains(wanted, StringComparison.OrdinalIgnoreCase))
            .OrderBy(m => !m.Denominazione.StartsWith(wanted, StringComparison.OrdinalIgnoreCase))
            .ThenBy(m => m.Denominazione, StringComparer.Ordinal)
            .Take(20)
            .ToArray();
    }
}

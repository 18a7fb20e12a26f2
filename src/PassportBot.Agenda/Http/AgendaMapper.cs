using PassportBot.Domain;

namespace PassportBot.Agenda.Http;

/// <summary>Wire rows → domain records. Rows the domain cannot use (no id, no day, no free place, in the past)
/// are dropped rather than failing the whole response.</summary>
internal static class AgendaMapper
{
    // The instants DateTimeOffset can hold; a day outside them is the site's garbage, not a reason to fail the poll.
    private const long MinEpochMs = -62_135_596_800_000 + 86_400_000;
    private const long MaxEpochMs = 253_402_300_799_999 - 86_400_000;

    public static AgendaOffice? ToOffice(OfficeDto? row, string province)
    {
        if (row?.Id is not > 0) return null;
        var code = AgendaParsing.OfficeCode(row.Codice, row.Descrizione);
        var office = new Office(
            Id: row.Id!.Value,
            Code: code,
            Name: AgendaParsing.OfficeName(row.Descrizione, code),
            Address: row.Indirizzo?.Trim() ?? "",
            City: (row.Citta ?? row.Comune)?.Trim() ?? "",
            Province: province,
            BookableFrom: AgendaParsing.TryParseTime(row.OrarioDisponibilita, out var from) ? from : TimeOnly.MinValue);
        return new AgendaOffice(office, AgendaParsing.ParseFirstDate(row.DataPrimaDisponibilitaResidenti));
    }

    public static SlotObservation? ToSlot(SlotDto? row, int officeId, PlacesMode mode, DateOnly romeToday)
    {
        if (row is null) return null;
        AgendaParsing.TryParseObjectKey(row.ObjectKey, out var key);

        DateOnly day;
        if (row.Giorno is { } ms and >= MinEpochMs and <= MaxEpochMs) day = RomeTime.DayFromEpochMilliseconds(ms);
        else if (key is { } k) day = k.Date;
        else return null;

        TimeOnly time;
        if (AgendaParsing.TryParseTime(row.Ora, out var t)) time = t;
        else if (key is { } k) time = k.Time;
        else return null;

        var places = AgendaParsing.FreePlaces(row.TotAppuntamenti, row.TotAppuntamentiPresi, mode);
        if (places <= 0 || day < romeToday) return null;
        return new SlotObservation(new SlotKey(officeId, day, time), places);
    }

    public static Municipality? ToMunicipality(MunicipalityDto? row)
    {
        if (row is null || string.IsNullOrWhiteSpace(row.Denominazione)) return null;
        var province = row.Provincia?.Trim().ToUpperInvariant() ?? "";
        var questura = row.ProvinciaQuestura?.Trim().ToUpperInvariant();
        return new Municipality(row.Id?.Trim() ?? "", row.Denominazione.Trim(), province,
            string.IsNullOrEmpty(questura) ? province : questura);
    }
}

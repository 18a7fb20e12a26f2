namespace PassportBot.Agenda.Simulator.Server;

// The agenda site's JSON, serialised with camelCase names, so the property names below are the site's field names
// (Italian, including the misspelled "indrizzo").

internal sealed record WirePageInfo(int SkipResults, int MaxResults, int TotalCount);

internal sealed record WireOfficeList(object? UserMessages, WirePageInfo PageInfo, IReadOnlyList<WireOffice> List);

internal sealed record WireOffice(
    string ObjectKey,
    int Id,
    string Codice,
    string Descrizione,
    string Indirizzo,
    string? Cap,
    string Comune,
    string Citta,
    string Provincia,
    string InfoUtente,
    string? DataPrimaDisponibilitaResidenti,
    string OrarioDisponibilita,
    int NumeroMaxAppuntamenti,
    int MinutiMedioAppuntamento,
    bool AbilitaAccessoAgenda,
    bool New,
    bool Deleted);

internal sealed record WireMonth(IReadOnlyList<WireSlot> Elenco);

internal sealed record WireSlot(
    string ObjectKey,
    long Giorno,
    string Ora,
    int TotAppuntamenti,
    int TotAppuntamentiPresi,
    string Comune,
    string Indrizzo);

internal sealed record WireMunicipalities(IReadOnlyList<WireMunicipality> Elenco);

internal sealed record WireMunicipality(string Id, string Denominazione, string Provincia, string ProvinciaQuestura, string CodiceCatastale);

internal sealed record WireUserMessages(IReadOnlyList<WireUserMessage> UserMessages);

internal sealed record WireUserMessage(string Message, string Severity);

internal sealed record WireSpringError(string Timestamp, int Status, string Error, string Path);

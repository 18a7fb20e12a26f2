namespace PassportBot.Agenda.Http;

/// <summary>Paths of the agenda site (relative to <see cref="AgendaOptions.BaseUrl"/>).</summary>
public static class AgendaEndpoints
{
    /// <summary>Endpoint A: offices of a province with their first free date.</summary>
    public const string OfficeList = "/cittadino/a/rc/v1/appuntamento/elenca-sede-prima-disponibilita";

    /// <summary>Endpoint B: the month agenda of one office.</summary>
    public const string OfficeMonth = "/cittadino/n/rc/v1/utility/elenca-agenda-appuntamenti-sede-mese";

    /// <summary>Endpoint C: municipality look-up; the name is appended as a path segment.</summary>
    public const string MunicipalitySearch = "/cittadino/n/rc/v1/anagrafica/cerca-comune/";

    /// <summary>An HTML page of the app carrying <c>&lt;meta name="_csrf"&gt;</c>, used to refresh the CSRF token.</summary>
    public const string CsrfPage = "/cittadino/a/sc/wizardAppuntamentoCittadino/sceltaComune";
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PassportBot.Agenda.Simulator.World;
using PassportBot.Domain;

namespace PassportBot.Agenda.Simulator.Server;

/// <summary>What <c>totAppuntamenti</c> means in the simulated site (the real meaning is unconfirmed).</summary>
public enum PlacesSemantics
{
    /// <summary><c>totAppuntamenti</c> = free places (what public bots report); <c>totAppuntamentiPresi</c> = booked.</summary>
    TotalIsFree,
    /// <summary><c>totAppuntamenti</c> = capacity; free = total − taken.</summary>
    TotalIsCapacity,
}

/// <summary>Serves the agenda site's paths from the world, after the credentials check and any fault on demand.</summary>
internal sealed class AgendaRequestHandler(
    AgendaWorld world,
    SimulatorCredentials credentials,
    SimulatorFaults faults,
    SimulatorCalls calls,
    MunicipalityDirectory municipalities,
    Func<PlacesSemantics> semantics,
    CancellationToken stopping)
{
    private const string OfficeListPath = "/cittadino/a/rc/v1/appuntamento/elenca-sede-prima-disponibilita";
    private const string OfficeMonthPath = "/cittadino/n/rc/v1/utility/elenca-agenda-appuntamenti-sede-mese";
    private const string MunicipalityPrefix = "/cittadino/n/rc/v1/anagrafica/cerca-comune/";
    private const string CsrfPagePath = "/cittadino/a/sc/wizardAppuntamentoCittadino/sceltaComune";
    private const string LoginPath = "/cittadino/login";
    private const int DefaultPageSize = 30;
    private const int MaxBodyChars = 64 * 1024;

    private static readonly JsonSerializerOptions WireJson = new(JsonSerializerDefaults.Web);

    public async Task HandleAsync(HttpContext context)
    {
        using var _ = calls.Enter();
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var endpoint = Classify(request.Method, path);
        var body = HttpMethods.IsPost(request.Method) ? await ReadBodyAsync(request, context.RequestAborted) : null;
        var parsed = Parse(endpoint, path, body);

        var complete = calls.Begin(new RecordedRequest(endpoint, request.Method, path, parsed.Province, parsed.OfficeId, parsed.DataRiferimento,
            0, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));

        var delay = faults.TakeDelay();
        if (delay > TimeSpan.Zero)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            try
            {
                await Task.Delay(delay, wait.Token);
            }
            catch (OperationCanceledException)
            {
                complete(ClientClosedRequest);
                return;
            }
        }

        var reply = endpoint switch
        {
            SimulatorEndpoint.CsrfPage => CsrfPage(request),
            SimulatorEndpoint.Unknown => Reply.Json(404, new WireSpringError(Now(), 404, "Not Found", path)),
            _ => JsonEndpoint(endpoint, request, path, parsed),
        };
        complete(reply.Status);
        await reply.WriteAsync(context.Response, context.RequestAborted);
    }

    /// <summary>Recorded for requests abandoned while the simulator was being slow (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    private Reply JsonEndpoint(SimulatorEndpoint endpoint, HttpRequest request, string path, ParsedRequest parsed)
    {
        var fault = faults.TakeFault(endpoint == SimulatorEndpoint.OfficeMonth ? parsed.OfficeId : null);
        switch (fault.Kind)
        {
            case SimulatedFaultKind.EndSession:
                credentials.Rotate();
                break;
            case SimulatedFaultKind.Status:
                return Reply.Json(fault.Status, new WireSpringError(Now(), fault.Status, "Simulated failure", path));
            case SimulatedFaultKind.MalformedJson:
                return new Reply(200, "application/json;charset=UTF-8", "{\"userMessages\":null,\"pageInfo\":{\"skipResults\":0,\"maxRes", null);
            case SimulatedFaultKind.LoginPage:
                return Reply.Html(200, LoginPageHtml());
            case SimulatedFaultKind.LoginRedirect:
                return Reply.Redirect(LoginPath + "?sessionExpired=true");
            case SimulatedFaultKind.Hostile:
                return Reply.Streamed(fault.Status, (response, ct) => HostileAnswers.WriteAsync(fault.Hostile, response, ct));
        }

        if (!credentials.AcceptsCookie(request.Headers.Cookie) || !credentials.AcceptsCsrf(request.Headers["X-CSRF-TOKEN"]))
            return Reply.Json(403, new WireSpringError(Now(), 403, "Forbidden", path));
        if (parsed.Error is not null)
            return Reply.Json(400, new WireUserMessages([new WireUserMessage(parsed.Error, "ERROR")]));

        return endpoint switch
        {
            SimulatorEndpoint.OfficeList => Reply.Json(200, OfficeList(parsed)),
            SimulatorEndpoint.OfficeMonth => Reply.Json(200, OfficeMonth(parsed)),
            _ => Reply.Json(200, new WireMunicipalities(municipalities.Search(parsed.Municipality ?? ""))),
        };
    }

    private WireOfficeList OfficeList(ParsedRequest request)
    {
        var rows = world.OfficesIn(request.Province!).Select(o => (Office: o, First: world.FirstFreeDate(o.Id)));
        rows = request.SortByFirstDate
            ? rows.OrderBy(r => r.First is null).ThenBy(r => r.First).ThenBy(r => r.Office.Id)
            : rows.OrderBy(r => r.Office.Id);
        var all = rows.ToArray();
        var skip = Math.Max(0, request.SkipResults ?? 0);
        var max = request.MaxResults is > 0 and var m ? m : DefaultPageSize;
        var page = all.Skip(skip).Take(max).Select(r => ToWire(r.Office, r.First)).ToArray();
        return new WireOfficeList(null, new WirePageInfo(skip, max, all.Length), page);
    }

    private WireMonth OfficeMonth(ParsedRequest request)
    {
        var officeId = request.OfficeId!.Value;
        var office = world.FindOffice(officeId);
        if (office is null) return new WireMonth([]);
        var month = request.Month ?? world.FirstFreeDate(officeId) ?? world.Today;
        var mode = semantics();
        return new WireMonth(world.Month(officeId, month).Select(s => new WireSlot(
            ObjectKey: string.Create(CultureInfo.InvariantCulture, $"{officeId}||_||{s.Key.Date:dd/MM/yyyy}||_||{s.Key.Time:HH.mm}"),
            Giorno: RomeTime.EpochMillisecondsOf(s.Key.Date),
            Ora: s.Key.Time.ToString("H.mm", CultureInfo.InvariantCulture),
            TotAppuntamenti: mode == PlacesSemantics.TotalIsFree ? s.Free : s.Capacity,
            TotAppuntamentiPresi: s.Taken,
            Comune: office.City,
            Indrizzo: office.Street)).ToArray());
    }

    private static WireOffice ToWire(SimulatedOffice o, DateOnly? first) => new(
        ObjectKey: o.Id.ToString(CultureInfo.InvariantCulture),
        Id: o.Id,
        Codice: o.Code,
        Descrizione: $"{o.Code} - {o.Name}",
        Indirizzo: o.Street,
        Cap: null,
        Comune: o.City,
        Citta: o.City,
        Provincia: o.ProvinceName,
        InfoUtente: "Si ricorda di presentarsi muniti della ricevuta di pagamento e di due fotografie formato tessera.",
        DataPrimaDisponibilitaResidenti: first is { } day ? string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd}T00:00:00Z") : null,
        OrarioDisponibilita: o.BookableFrom.ToString("HH.mm", CultureInfo.InvariantCulture),
        NumeroMaxAppuntamenti: 10,
        MinutiMedioAppuntamento: 15,
        AbilitaAccessoAgenda: true,
        New: false,
        Deleted: false);

    private Reply CsrfPage(HttpRequest request)
    {
        if (!credentials.AcceptsCookie(request.Headers.Cookie)) return Reply.Redirect(LoginPath);
        var token = credentials.Current.CsrfToken;
        return Reply.Html(200, $"""
            <!DOCTYPE html>
            <html lang="it"><head><meta charset="utf-8"><title>Agenda passaporto - Scelta comune</title>
            <meta name="_csrf_header" content="X-CSRF-TOKEN"/>
            <meta name="_csrf" content="{token}"/>
            </head><body><div id="app">Prenotazione appuntamento: scegli il comune di residenza.</div></body></html>
            """);
    }

    private static string LoginPageHtml() => """
        <!DOCTYPE html>
        <html lang="it"><head><meta charset="utf-8"><title>Accesso - Passaporto online</title>
        <meta name="_csrf" content="00000000-0000-0000-0000-000000000000"/></head>
        <body><form action="/cittadino/login" method="post"><p>Entra con SPID o CIE</p>
        <input type="hidden" name="_csrf" value="00000000-0000-0000-0000-000000000000"/>
        <button type="submit">Entra con SPID</button></form></body></html>
        """;

    private static SimulatorEndpoint Classify(string method, string path)
    {
        if (HttpMethods.IsGet(method) && path == CsrfPagePath) return SimulatorEndpoint.CsrfPage;
        if (!HttpMethods.IsPost(method)) return SimulatorEndpoint.Unknown;
        if (path == OfficeListPath) return SimulatorEndpoint.OfficeList;
        if (path == OfficeMonthPath) return SimulatorEndpoint.OfficeMonth;
        if (path.StartsWith(MunicipalityPrefix, StringComparison.Ordinal) && path.Length > MunicipalityPrefix.Length)
            return SimulatorEndpoint.MunicipalitySearch;
        return SimulatorEndpoint.Unknown;
    }

    private static ParsedRequest Parse(SimulatorEndpoint endpoint, string path, string? body)
    {
        if (endpoint == SimulatorEndpoint.MunicipalitySearch)
            return new ParsedRequest { Municipality = Uri.UnescapeDataString(path[MunicipalityPrefix.Length..]) };
        if (endpoint is not (SimulatorEndpoint.OfficeList or SimulatorEndpoint.OfficeMonth)) return new ParsedRequest();
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return new ParsedRequest { Error = "Richiesta non valida" };
            if (endpoint == SimulatorEndpoint.OfficeList)
            {
                var province = Property(root, "comune", "provinciaQuestura")?.GetString()?.Trim().ToUpperInvariant();
                return new ParsedRequest
                {
                    Province = province,
                    MaxResults = Int(Property(root, "pageInfo", "maxResults")),
                    SkipResults = Int(Property(root, "pageInfo", "skipResults")),
                    SortByFirstDate = root.TryGetProperty("sortInfo", out var sort) && sort.GetRawText().Contains("primaDisponibilitaResidente", StringComparison.Ordinal),
                    Error = string.IsNullOrEmpty(province) ? "Provincia della questura obbligatoria" : null,
                };
            }
            var id = Int(Property(root, "sede", "id"));
            var reference = root.TryGetProperty("dataRiferimento", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            DateOnly? month = null;
            if (reference is not null && DateTimeOffset.TryParse(reference, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
                month = DateOnly.FromDateTime(RomeTime.ToRome(instant));
            return new ParsedRequest
            {
                OfficeId = id,
                DataRiferimento = reference,
                Month = month,
                Error = id is null ? "Sede obbligatoria" : reference is not null && month is null ? "Data di riferimento non valida" : null,
            };
        }
        catch (JsonException)
        {
            return new ParsedRequest { Error = "Richiesta non valida" };
        }
    }

    private static JsonElement? Property(JsonElement root, string outer, string inner) =>
        root.TryGetProperty(outer, out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty(inner, out var i) ? i : null;

    private static int? Int(JsonElement? e) => e switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var v) => v,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[MaxBodyChars];
        var read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken);
        return new string(buffer, 0, read);
    }

    private string Now() => world.Time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    private sealed record ParsedRequest
    {
        public string? Province { get; init; }
        public int? MaxResults { get; init; }
        public int? SkipResults { get; init; }
        public bool SortByFirstDate { get; init; }
        public int? OfficeId { get; init; }
        public string? DataRiferimento { get; init; }
        public DateOnly? Month { get; init; }
        public string? Municipality { get; init; }
        public string? Error { get; init; }
    }

    private sealed record Reply(int Status, string ContentType, string Body, string? Location)
    {
        private Func<HttpResponse, CancellationToken, Task>? writer;

        public static Reply Streamed(int status, Func<HttpResponse, CancellationToken, Task> write) =>
            new(status, "", "", null) { writer = write };

        public static Reply Json<T>(int status, T value) =>
            new(status, "application/json;charset=UTF-8", JsonSerializer.Serialize(value, WireJson), null);

        public static Reply Html(int status, string html) => new(status, "text/html;charset=UTF-8", html, null);

        public static Reply Redirect(string location) => new(302, "text/html;charset=UTF-8", "", location);

        public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
        {
            if (writer is not null)
            {
                await writer(response, cancellationToken);
                return;
            }
            response.StatusCode = Status;
            response.ContentType = ContentType;
            if (Location is not null) response.Headers.Location = Location;
            await response.WriteAsync(Body, cancellationToken);
        }
    }
}

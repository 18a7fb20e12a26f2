using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Observability;
using Polly.Timeout;

namespace PassportBot.Agenda.Http;

/// <summary>The agenda site's JSON API over HTTP (typed <see cref="HttpClient"/> with auto-redirect off).</summary>
public sealed class AgendaClient(
    HttpClient http,
    IAgendaSession session,
    AgendaRetryPipeline retry,
    IOptions<AgendaOptions> options,
    TimeProvider time,
    ILogger<AgendaClient> logger) : IAgendaClient
{
    private const int MaxPages = 200;
    private static readonly MediaTypeWithQualityHeaderValue[] AcceptJson =
        [new("application/json"), new("text/plain"), new("*/*")];

    private readonly AgendaOptions options = options.Value;
    private readonly Uri baseUri = new(options.Value.BaseUrl, UriKind.Absolute);

    public async Task<IReadOnlyList<AgendaOffice>> GetOfficesAsync(string province, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(province);
        var code = province.Trim().ToUpperInvariant();
        var offices = new List<AgendaOffice>();
        var seen = new HashSet<int>();
        var skip = 0;
        for (var page = 0; page < MaxPages; page++)
        {
            var request = new OfficeListRequestDto(false, false, false, new ComuneRefDto(code),
                new PageRequestDto(options.PageSize, skip),
                new SortInfoDto([new SortDto(0, "primaDisponibilitaResidente")]));
            var response = await PostAsync<OfficeListResponseDto>(AgendaEndpoints.OfficeList, request, cancellationToken).ConfigureAwait(false);
            var rows = response.List ?? [];
            foreach (var row in rows)
            {
                if (AgendaMapper.ToOffice(row, code) is { } office && seen.Add(office.Office.Id)) offices.Add(office);
            }
            skip += rows.Count;
            var total = response.PageInfo?.TotalCount;
            if (rows.Count == 0 || total is null || skip >= total) return offices;
        }
        throw new AgendaUnavailableException($"Endpoint {AgendaEndpoints.OfficeList} kept paging beyond {MaxPages} pages for {code}.");
    }

    public async Task<IReadOnlyList<SlotObservation>> GetMonthAsync(int officeId, DateOnly? month, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(officeId);
        var request = month is { } m
            ? new MonthRequestDto(new SedeRefDto(officeId), AgendaParsing.MonthReference(m), false)
            : new MonthRequestDto(new SedeRefDto(officeId), null, null);
        var response = await PostAsync<MonthResponseDto>(AgendaEndpoints.OfficeMonth, request, cancellationToken).ConfigureAwait(false);
        var today = RomeTime.Today(time);
        var slots = new Dictionary<SlotKey, SlotObservation>();
        foreach (var row in response.Elenco ?? [])
        {
            if (AgendaMapper.ToSlot(row, officeId, options.PlacesMode, today) is { } slot) slots[slot.Key] = slot;
        }
        return slots.Values.OrderBy(s => s.Key).ToArray();
    }

    public async Task<IReadOnlyList<Municipality>> FindMunicipalityAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var path = AgendaEndpoints.MunicipalitySearch + Uri.EscapeDataString(name.Trim());
        var response = await PostAsync<MunicipalityResponseDto>(path, body: null, cancellationToken).ConfigureAwait(false);
        return (response.Elenco ?? []).Select(AgendaMapper.ToMunicipality).OfType<Municipality>().ToArray();
    }

    private async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken) where T : class
    {
        try
        {
            return await retry.ExecuteAsync(ct => new ValueTask<T>(AttemptAsync<T>(path, body, ct)), cancellationToken).ConfigureAwait(false);
        }
        catch (AgendaTransientException ex)
        {
            throw new AgendaUnavailableException($"Agenda endpoint {path} failed after {retry.Attempts} attempt(s): {ex.Message}", ex);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new AgendaUnavailableException(
                $"Agenda endpoint {path} timed out after {retry.Attempts} attempt(s) of {retry.Timeout.TotalSeconds:0.###} s.", ex);
        }
    }

    /// <summary>One attempt. A 403 gets one chance: refresh the CSRF token from the site's meta tag and resend.
    /// The session is declared over only on the site's own word: the app page redirecting to the login, or
    /// the same token refused again; an app page that cannot be read leaves the question open (transient).</summary>
    private async Task<T> AttemptAsync<T>(string path, object? body, CancellationToken cancellationToken) where T : class
    {
        var credentials = await CurrentCredentialsAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendAsync<T>(path, body, credentials, cancellationToken).ConfigureAwait(false);
        }
        catch (AgendaForbiddenException forbidden)
        {
            var page = await TryFetchCsrfTokenAsync(credentials, cancellationToken).ConfigureAwait(false);
            switch (page.Outcome)
            {
                case CsrfPageOutcome.Login:
                    throw new AgendaSessionExpiredException($"The agenda site refused {path} ({forbidden.Message}) and sends its app page to the login: the session has expired.");
                case CsrfPageOutcome.Unreadable:
                    throw new AgendaTransientException($"The agenda site refused {path} ({forbidden.Message}) and its app page could not be read ({page.Detail}).");
            }
            var token = page.Token!;
            if (token == credentials.CsrfToken)
                throw new AgendaSessionExpiredException($"The agenda site refused {path} ({forbidden.Message}) with the token its own app page gives: the session has expired.");

            session.ReplaceCsrfToken(credentials, token);
            logger.LogInformation("Refreshed the CSRF token from the agenda site (session {Fingerprint}).", credentials.Fingerprint);
            try
            {
                return await SendAsync<T>(path, body, credentials with { CsrfToken = token }, cancellationToken).ConfigureAwait(false);
            }
            catch (AgendaForbiddenException again)
            {
                throw new AgendaSessionExpiredException($"The agenda site refused {path} even with a fresh CSRF token ({again.Message}): the session has expired.");
            }
        }
    }

    private async Task<AgendaCredentials> CurrentCredentialsAsync(CancellationToken cancellationToken)
    {
        if (session.Current is { } current) return current;
        await session.RefreshAsync(cancellationToken).ConfigureAwait(false);
        if (session.Current is { } refreshed) return refreshed;
        if (session.State == CredentialState.Expired)
            throw new AgendaSessionExpiredException("The agenda session has expired; waiting for new credentials.");
        throw new AgendaCredentialsMissingException(
            "No agenda credentials: put the Cookie and X-CSRF-TOKEN headers in the cookie and CSRF token files (Agenda:CookieFile, Agenda:CsrfTokenFile).");
    }

    private async Task<T> SendAsync<T>(string path, object? body, AgendaCredentials credentials, CancellationToken cancellationToken) where T : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, path));
        AddBrowserHeaders(request, credentials);
        request.Headers.Accept.Clear();
        foreach (var accept in AcceptJson) request.Headers.Accept.Add(accept);
        request.Headers.TryAddWithoutValidation("X-CSRF-TOKEN", credentials.CsrfToken);
        // Decompressed here, not by the handler, so the size of what arrives and of what it inflates to are both capped.
        request.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        request.Content = body is null
            ? new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } }
            : JsonContent.Create(body, body.GetType(), new MediaTypeHeaderValue("application/json"), AgendaJson.Options);

        using var response = await SendRawAsync(request, path, cancellationToken).ConfigureAwait(false);
        return await AgendaResponseReader.ReadAsync<T>(response, path, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CsrfPage> TryFetchCsrfTokenAsync(AgendaCredentials credentials, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, AgendaEndpoints.CsrfPage));
        AddBrowserHeaders(request, credentials);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var response = await SendRawAsync(request, AgendaEndpoints.CsrfPage, cancellationToken).ConfigureAwait(false);
        if (AgendaResponseReader.IsLoginRedirect(response)) return new CsrfPage(CsrfPageOutcome.Login, null, "redirected to the login");
        if (!response.IsSuccessStatusCode) return new CsrfPage(CsrfPageOutcome.Unreadable, null, $"HTTP {(int)response.StatusCode}");
        var html = System.Text.Encoding.UTF8.GetString(
            await BoundedBody.ReadAsync(response.Content, AgendaEndpoints.CsrfPage, cancellationToken).ConfigureAwait(false));
        if (AgendaResponseReader.HasLoginForm(html)) return new CsrfPage(CsrfPageOutcome.Login, null, "login form");
        return AgendaResponseReader.FindCsrfMeta(html) is { } token
            ? new CsrfPage(CsrfPageOutcome.Token, token, null)
            : new CsrfPage(CsrfPageOutcome.Unreadable, null, "no _csrf meta tag");
    }

    private enum CsrfPageOutcome { Token, Login, Unreadable }

    private readonly record struct CsrfPage(CsrfPageOutcome Outcome, string? Token, string? Detail);

    private void AddBrowserHeaders(HttpRequestMessage request, AgendaCredentials credentials)
    {
        request.Headers.TryAddWithoutValidation("User-Agent", options.UserAgent);
        request.Headers.TryAddWithoutValidation("Origin", baseUri.GetLeftPart(UriPartial.Authority));
        request.Headers.TryAddWithoutValidation("Cookie", credentials.Cookie);
    }

    /// <summary>Headers only: the body is read by <see cref="BoundedBody"/>, never buffered whole by the client.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, string path, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        string? error = null;
        int? status = null;
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        catch (HttpRequestException ex)
        {
            error = ex.HttpRequestError.ToString();
            // HttpRequestException messages name the host and the socket error, never request headers.
            throw new AgendaTransientException($"Connection to {path} failed: {ex.HttpRequestError}.", ex);
        }
        catch (Exception ex)
        {
            error = ex.GetType().Name;
            throw;
        }
        finally
        {
            PassportBotMetrics.AgendaRequest(EndpointName(path), status, error, time.GetElapsedTime(started));
        }
    }

    /// <summary>A short, fixed label per endpoint (the municipality search puts the town in its path).</summary>
    private static string EndpointName(string path) => path switch
    {
        AgendaEndpoints.OfficeList => "offices",
        AgendaEndpoints.OfficeMonth => "month",
        AgendaEndpoints.CsrfPage => "csrf",
        _ when path.StartsWith(AgendaEndpoints.MunicipalitySearch, StringComparison.Ordinal) => "municipality",
        _ => "other",
    };
}

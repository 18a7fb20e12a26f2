using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Web.Live;

namespace PassportBot.Web.Api;

/// <summary><c>/api/*</c>: read-only JSON over <see cref="IDashboardQueries"/>. Counts and public office data only.</summary>
internal static class StatusApi
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.AddEndpointFilter(StorageFailures);
        // Every operation may answer 503 with a problem body when the database does not answer.
        api.ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/slots", GetSlotsAsync).Produces<IReadOnlyList<SlotDto>>()
            .WithSummary("Slots: open (default), gone or all; by date, or sort=recent for the latest gone or seen first.")
            .WithDescription("Parameters: province (any of the 107 codes, case-insensitive; SU is served by CA), state=open|gone|all, " +
                $"limit 1–{MaxLimit} (default {DefaultLimit}), sort=date|recent.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/slots/{officeId}/{date}/{time}/history", GetHistoryAsync).Produces<SlotHistoryDto>()
            .WithSummary("Places over time of one slot (date yyyy-MM-dd, time HH:mm).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/provinces", GetProvincesAsync).Produces<IReadOnlyList<ProvinceDto>>()
            .WithSummary("All 107 provinces with open slots, offices, active subscriptions (counts only) and first open date.");
        api.MapGet("/offices", GetOfficesAsync).Produces<IReadOnlyList<OfficeDto>>()
            .WithSummary("Police offices, optionally of one province.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/provinces/{code}/timeline", GetTimelineAsync).Produces<TimelineDto>()
            .WithSummary("The life of each slot of a province: first seen, gone, places over time.")
            .WithDescription($"Slots alive at some point in the last `hours` hours (1–{MaxTimelineHours}, default {DefaultTimelineHours}), latest first seen first, at most {TimelineLimit}.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/insights", GetInsightsAsync).Produces<InsightsDto>()
            .WithSummary("When new slots appear (Rome weekday × hour), how long they live per office, how many were announced before booking opened.")
            .WithDescription($"Slots first seen in the last `weeks` weeks (1–{Insights.MaxWeeks}, default {Insights.DefaultWeeks}); province optional. heatmap[weekday][hour], Monday = 0.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/status", GetStatusAsync).Produces<StatusDto>()
            .WithSummary("Freshness: when the last poll was applied and whether the data may be stale (and why).");
        api.MapGet("/events", GetEvents)
            .WithSummary("Server-sent events: new, changed and gone slots and freshness changes, as they happen.")
            .WithDescription("text/event-stream. Event types: status (data: the /api/status object, first on connect and on every change), " +
                "new, changed, gone (data: {kind, slot} with slot as in /api/slots).");
    }

    public const int DefaultTimelineHours = 72;
    public const int MaxTimelineHours = 24 * 14;
    public const int TimelineLimit = 300;

    /// <param name="code">Any of the 107 province codes (SU answers with CA's slots).</param>
    /// <param name="hours">Slots alive at some point in the last N hours (1–336, default 72).</param>
    private static async Task<Results<JsonHttpResult<TimelineDto>, ProblemHttpResult>> GetTimelineAsync(
        string code, string? hours, IDashboardQueries queries, ReadCache cache, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (!ProvinceCatalog.TryNormalize(code, out var agendaCode))
            return BadRequest("Unknown province", $"'{Shorten(code)}' is not an Italian province code (two letters, e.g. TO).");
        if (!TryWholeNumber(hours, DefaultTimelineHours, MaxTimelineHours, out var span))
            return BadRequest("Invalid hours", $"hours must be a whole number from 1 to {MaxTimelineHours}.");

        var now = time.GetUtcNow();
        var since = now - TimeSpan.FromHours(span);
        var lives = await cache.GetAsync(("timeline", agendaCode, span), ct => queries.GetTimelineAsync(agendaCode, since, TimelineLimit, ct), cancellationToken);
        var dto = new TimelineDto(agendaCode, ApiFormat.Instant(since), ApiFormat.Instant(now), lives
            .Select(l => new TimelineSlotDto(SlotDto.From(l.Slot), l.Places.Select(p => new PlacesPointDto(ApiFormat.Instant(p.At), p.Places)).ToArray()))
            .ToArray());
        return Json(http, dto, ApiJsonContext.Default.TimelineDto);
    }

    /// <param name="province">Optional; absent = every province.</param>
    /// <param name="weeks">Slots first seen in the last N weeks (1–52, default 8).</param>
    private static async Task<Results<JsonHttpResult<InsightsDto>, ProblemHttpResult>> GetInsightsAsync(
        string? province, string? weeks, IDashboardQueries queries, ReadCache cache, TimeProvider time, HttpContext http, CancellationToken cancellationToken)
    {
        if (!TryProvince(province, out var agendaCode, out var problem)) return problem;
        if (!TryWholeNumber(weeks, Insights.DefaultWeeks, Insights.MaxWeeks, out var span))
            return BadRequest("Invalid weeks", $"weeks must be a whole number from 1 to {Insights.MaxWeeks}.");

        var dto = await cache.GetAsync(("insights", agendaCode, span), async ct =>
        {
            var now = time.GetUtcNow();
            var facts = await queries.GetSlotFactsAsync(agendaCode, now - TimeSpan.FromDays(7 * span), ct);
            var offices = await queries.GetOfficesAsync(agendaCode, ct);
            return Insights.Compute(agendaCode, span, now, facts, offices);
        }, cancellationToken);
        return Json(http, dto, ApiJsonContext.Default.InsightsDto);
    }

    private static async Task<JsonHttpResult<StatusDto>> GetStatusAsync(
        FreshnessProbe freshness, ReadCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var status = await cache.GetAsync("status", freshness.CheckAsync, cancellationToken);
        return Json(http, status, ApiJsonContext.Default.StatusDto);
    }

    private static ServerSentEventsResult<string> GetEvents(
        LiveSlotFeed feed, FreshnessProbe freshness, IHostApplicationLifetime lifetime, HttpContext http) =>
        TypedResults.ServerSentEvents(Stream(feed, freshness, http.RequestAborted, lifetime.ApplicationStopping));

    private static async IAsyncEnumerable<SseItem<string>> Stream(
        LiveSlotFeed feed, FreshnessProbe freshness, [EnumeratorCancellation] CancellationToken requestAborted, CancellationToken stopping)
    {
        // The stream also ends when the server stops: an open page must not hold up a shutdown (the browser
        // shows the connection as lost and reconnects by itself).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping);
        var cancellationToken = linked.Token;
        // Listen first, then say where things stand: nothing that happens in between is lost.
        var events = feed.ListenAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (events.ConfigureAwait(false))
        {
            var first = events.MoveNextAsync();
            var status = await freshness.CheckAsync(cancellationToken).ConfigureAwait(false);
            yield return new SseItem<string>(JsonSerializer.Serialize(status, ApiJsonContext.Default.StatusDto), "status");
            while (await NextAsync(first).ConfigureAwait(false))
            {
                yield return new SseItem<string>(events.Current.Data, events.Current.Type);
                first = events.MoveNextAsync();
            }
        }
    }

    /// <summary>False when the stream was cancelled (the client left or the server stops): a normal end.</summary>
    private static async Task<bool> NextAsync(ValueTask<bool> next)
    {
        try { return await next.ConfigureAwait(false); }
        catch (OperationCanceledException) { return false; }
    }

    private static bool TryWholeNumber(string? text, int fallback, int max, out int value)
    {
        value = fallback;
        if (string.IsNullOrWhiteSpace(text)) return true;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;
    }

    /// <param name="sort"><c>date</c> (default: by slot date and time) or <c>recent</c> (latest gone or seen first).</param>
    private static async Task<Results<JsonHttpResult<IReadOnlyList<SlotDto>>, ProblemHttpResult>> GetSlotsAsync(
        string? province, string? state, string? limit, string? sort,
        IDashboardQueries queries, ReadCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        if (!TryProvince(province, out var agendaCode, out var problem)) return problem;

        SlotState slotState;
        switch (state?.Trim().ToLowerInvariant())
        {
            case null or "" or "open": slotState = SlotState.Open; break;
            case "gone": slotState = SlotState.Gone; break;
            case "all": slotState = SlotState.All; break;
            default: return BadRequest("Unknown state", $"state must be open, gone or all, not '{Shorten(state)}'.");
        }

        var take = DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit))
        {
            if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take < 1)
                return BadRequest("Invalid limit", $"limit must be a whole number from 1 to {MaxLimit}.");
            take = Math.Min(take, MaxLimit);
        }

        bool recentFirst;
        switch (sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "date": recentFirst = false; break;
            case "recent": recentFirst = true; break;
            default: return BadRequest("Unknown sort", $"sort must be date or recent, not '{Shorten(sort)}'.");
        }

        IReadOnlyList<SlotDto> result;
        if (recentFirst && slotState == SlotState.Gone)
        {
            result = await cache.GetAsync(
                ("gone-recent", agendaCode, take),
                async ct => (IReadOnlyList<SlotDto>)(await queries.GetRecentlyGoneAsync(agendaCode, take, ct)).Select(SlotDto.From).ToArray(),
                cancellationToken);
        }
        else if (recentFirst)
        {
            // Open (or all) slots, latest seen first: ordered here over the widest window the API allows
            // (cached, so one database read serves every limit).
            var window = await cache.GetAsync(
                ("slots", agendaCode, slotState, MaxLimit),
                ct => queries.GetSlotsAsync(agendaCode, slotState, MaxLimit, ct), cancellationToken);
            result = window
                .OrderByDescending(s => s.GoneAt ?? s.LastSeen)
                .ThenBy(s => s.Date).ThenBy(s => s.Time).ThenBy(s => s.OfficeId)
                .Take(take).Select(SlotDto.From).ToArray();
        }
        else
        {
            result = await cache.GetAsync(
                ("slots-dto", agendaCode, slotState, take),
                async ct => (IReadOnlyList<SlotDto>)(await queries.GetSlotsAsync(agendaCode, slotState, take, ct)).Select(SlotDto.From).ToArray(),
                cancellationToken);
        }
        return Json(http, result, ApiJsonContext.Default.IReadOnlyListSlotDto);
    }

    private static async Task<Results<JsonHttpResult<SlotHistoryDto>, ProblemHttpResult>> GetHistoryAsync(
        string officeId, string date, string time,
        IDashboardQueries queries, ReadCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        if (!SlotKey.TryParse($"{officeId}|{date}|{time}", out var parsed))
            return BadRequest("Invalid slot", "Expected /api/slots/{officeId}/{yyyy-MM-dd}/{HH:mm}/history.");
        var key = parsed.Value;

        var points = await cache.GetAsync(("history", key), ct => queries.GetPlacesHistoryAsync(key, ct), cancellationToken);
        // Every stored slot has at least its first observation, so no points means no such slot.
        if (points.Count == 0)
            return TypedResults.Problem($"No slot {key} is recorded.", statusCode: StatusCodes.Status404NotFound, title: "Unknown slot");

        var dto = new SlotHistoryDto(key.OfficeId, ApiFormat.Date(key.Date), ApiFormat.Time(key.Time),
            points.OrderBy(p => p.At).Select(p => new PlacesPointDto(ApiFormat.Instant(p.At), p.Places)).ToArray());
        return Json(http, dto, ApiJsonContext.Default.SlotHistoryDto);
    }

    private static async Task<JsonHttpResult<IReadOnlyList<ProvinceDto>>> GetProvincesAsync(
        IDashboardQueries queries, ReadCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        var rows = await cache.GetAsync("provinces", async ct =>
        {
            var stats = (await queries.GetProvinceStatsAsync(ct))
                .GroupBy(s => s.Province, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
            // Every province appears, with zeros where nothing is known; SU shows the numbers of CA, which serves it.
            return (IReadOnlyList<ProvinceDto>)ProvinceCatalog.All.Select(p =>
            {
                stats.TryGetValue(p.QuesturaCode, out var s);
                return new ProvinceDto(p.Code, p.Name, p.Region, p.QuesturaCode,
                    s?.OpenSlots ?? 0, s?.Offices ?? 0, s?.Subscribers ?? 0,
                    s?.FirstOpenDate is { } d ? ApiFormat.Date(d) : null);
            }).ToArray();
        }, cancellationToken);
        return Json(http, rows, ApiJsonContext.Default.IReadOnlyListProvinceDto);
    }

    private static async Task<Results<JsonHttpResult<IReadOnlyList<OfficeDto>>, ProblemHttpResult>> GetOfficesAsync(
        string? province, IDashboardQueries queries, ReadCache cache, HttpContext http, CancellationToken cancellationToken)
    {
        if (!TryProvince(province, out var agendaCode, out var problem)) return problem;
        var offices = await cache.GetAsync(("offices", agendaCode), async ct =>
            (IReadOnlyList<OfficeDto>)(await queries.GetOfficesAsync(agendaCode, ct))
                .OrderBy(o => o.Province, StringComparer.Ordinal).ThenBy(o => o.Code, StringComparer.Ordinal)
                .Select(OfficeDto.From).ToArray(),
            cancellationToken);
        return Json(http, offices, ApiJsonContext.Default.IReadOnlyListOfficeDto);
    }

    /// <summary>Absent = every province; otherwise any of the 107 codes, case-insensitive, mapped to its agenda code.</summary>
    private static bool TryProvince(string? province, out string? agendaCode, out ProblemHttpResult problem)
    {
        problem = null!;
        agendaCode = null;
        if (string.IsNullOrWhiteSpace(province)) return true;
        if (ProvinceCatalog.TryNormalize(province, out agendaCode)) return true;
        problem = BadRequest("Unknown province", $"'{Shorten(province)}' is not an Italian province code (two letters, e.g. TO).");
        return false;
    }

    private static JsonHttpResult<T> Json<T>(HttpContext http, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var cacheFor = http.RequestServices.GetRequiredService<IOptions<WebOptions>>().Value.CacheDuration;
        http.Response.Headers.CacheControl = cacheFor > TimeSpan.Zero
            ? $"public, max-age={(int)Math.Ceiling(cacheFor.TotalSeconds)}"
            : "no-cache";
        return TypedResults.Json(value, type);
    }

    private static ProblemHttpResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    private static string Shorten(string? text) => text is { Length: > 20 } ? text[..20] + "…" : text ?? string.Empty;

    /// <summary>A storage outage answers 503 with a generic problem: the exception (which may name hosts) is only logged.</summary>
    private static async ValueTask<object?> StorageFailures(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.HttpContext.RequestAborted.IsCancellationRequested)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>()
                .CreateLogger("PassportBot.Web.Api")
                .LogError(ex, "Status API query {Path} failed", context.HttpContext.Request.Path.Value);
            return TypedResults.Problem("The database did not answer; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable");
        }
    }
}

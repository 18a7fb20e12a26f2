using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Storage;

namespace PassportBot.Telegram.Bot;

/// <summary>The offices of a province for <c>/offices</c>: those a poll has recorded, or, before the province's
/// first poll, the agenda's own list (endpoint A).</summary>
/// <remarks>The bot role is composed with the agenda client (it already answers <c>/town</c> from endpoint C), so
/// it can read endpoint A itself instead of making a new subscriber wait for the poller. What it reads is shown,
/// not stored: the offices table belongs to the availability handler, which records it from the first poll a moment
/// later. Each province's answer (offices or failure) is kept for one poll interval, so the bot never asks the site
/// more often than the poller does, however often the buttons are tapped. Without credentials in this process,
/// or when the site refuses, the bot says when the list will be there instead.</remarks>
public sealed partial class OfficeLookup(
    IOfficeDirectory directory,
    IServiceProvider services,
    IOptions<AgendaOptions> agendaOptions,
    TimeProvider time,
    ILogger<OfficeLookup> logger)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<OfficeSummary> Offices)> _fromAgenda =
        new(StringComparer.Ordinal);

    /// <summary>How long until a newly followed province's offices are known at the latest.</summary>
    public TimeSpan PollInterval => agendaOptions.Value.PollInterval;

    /// <summary>The province's offices, by code; empty when neither a poll nor the agenda has given them yet.</summary>
    public async Task<IReadOnlyList<OfficeSummary>> GetAsync(string province, CancellationToken ct)
    {
        var recorded = await directory.GetOfficesAsync(province, ct);
        if (recorded.Count > 0) return recorded;

        // Resolved per use: the agenda client exists only where a role polls or answers with it.
        var agenda = services.GetService<IAgendaClient>();
        if (agenda is null) return [];
        var now = time.GetUtcNow();
        if (_fromAgenda.TryGetValue(province, out var kept) && now - kept.At < PollInterval) return kept.Offices;

        IReadOnlyList<OfficeSummary> offices;
        try
        {
            offices = (await agenda.GetOfficesAsync(province, ct))
                .Select(o => new OfficeSummary(o.Office, o.FirstAvailableDate))
                .OrderBy(o => o.Office.Code, StringComparer.Ordinal).ThenBy(o => o.Office.Id)
                .ToList();
        }
        catch (Exception e) when (e is AgendaException or HttpRequestException or TimeoutException || e is OperationCanceledException && !ct.IsCancellationRequested)
        {
            LogAgendaFailed(province, e.GetType().Name);
            offices = [];
        }
        _fromAgenda[province] = (now, offices);
        return offices;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the offices of {Province} from the agenda failed: {Error}")]
    private partial void LogAgendaFailed(string province, string error);
}

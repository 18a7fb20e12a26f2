using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;

namespace PassportBot.Agenda.Scanning;

/// <summary>Endpoint A for the province, then endpoint B month by month for each office with a first free date.
/// Coverage is only claimed for what was read completely, so a failed office never closes its slots.</summary>
public sealed class ProvinceScanner(
    IAgendaClient client,
    AgendaRequestGate gate,
    IOptions<AgendaOptions> options,
    TimeProvider time,
    ILogger<ProvinceScanner> logger) : IProvinceScanner
{
    public async Task<ProvinceScan> ScanAsync(string province, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(province);
        var code = province.Trim().ToUpperInvariant();
        var polledAt = time.GetUtcNow();
        var today = RomeTime.Today(time);

        IReadOnlyList<AgendaOffice> offices;
        try
        {
            offices = await gate.RunAsync(ct => client.GetOfficesAsync(code, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (AgendaUnavailableException ex)
        {
            logger.LogWarning("Scan of {Province}: office list unavailable: {Error}", code, ex.Message);
            return new ProvinceScan(code, polledAt, [], [], Complete: false, [$"{code}: office list: {ex.Message}"]);
        }

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reads = offices.Select(o => ReadOfficeAsync(o, today, abort)).ToArray();
        try
        {
            await Task.WhenAll(reads).ConfigureAwait(false);
        }
        catch
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Prefer the session failure that aborted the scan over the cancellations it caused.
            var cause = reads.Where(r => r.IsFaulted).Select(r => r.Exception!.InnerException!)
                .FirstOrDefault(e => e is AgendaException) ?? reads.First(r => r.IsFaulted || r.IsCanceled).Exception?.InnerException;
            if (cause is not null) ExceptionDispatchInfo.Throw(cause);
            throw;
        }

        var results = reads.Select(r => r.Result).ToArray();
        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToArray();
        // What was seen is known once the last response is parsed: that is the poll's instant (and the start of
        // the notification latency the operator cares about), not when the first request left.
        return new ProvinceScan(
            code,
            time.GetUtcNow(),
            results.Select(r => r.Availability).ToArray(),
            results.Where(r => r.Coverage is not null).Select(r => r.Coverage!).ToArray(),
            Complete: errors.Length == 0,
            errors);
    }

    private async Task<OfficeRead> ReadOfficeAsync(AgendaOffice entry, DateOnly today, CancellationTokenSource abort)
    {
        var office = entry.Office;
        if (entry.FirstAvailableDate is not { } first)
            return new OfficeRead(new OfficeAvailability(office, null, []), new OfficeCoverage(office.Id, today, DateOnly.MaxValue), null);

        var slots = new List<SlotObservation>();
        var month = new DateOnly(first.Year, first.Month, 1);
        var lastMonth = month;
        try
        {
            for (var i = 0; i < options.Value.MonthsAhead; i++, month = month.AddMonths(1))
            {
                var reference = month;
                var read = await gate.RunAsync(ct => client.GetMonthAsync(office.Id, reference, ct), abort.Token).ConfigureAwait(false);
                slots.AddRange(read);
                lastMonth = month;
            }
        }
        catch (AgendaUnavailableException ex)
        {
            logger.LogWarning("Scan of {Province}: office {Code} ({Id}) unavailable: {Error}", office.Province, office.Code, office.Id, ex.Message);
            return new OfficeRead(new OfficeAvailability(office, first, Distinct(slots)), null,
                $"{office.Code} ({office.Id}): {ex.Message}");
        }
        catch (AgendaException)
        {
            await abort.CancelAsync().ConfigureAwait(false);
            throw;
        }

        var coveredTo = lastMonth.AddMonths(1).AddDays(-1);
        return new OfficeRead(new OfficeAvailability(office, first, Distinct(slots)), new OfficeCoverage(office.Id, today, coveredTo), null);
    }

    private static SlotObservation[] Distinct(List<SlotObservation> slots) =>
        slots.DistinctBy(s => s.Key).OrderBy(s => s.Key).ToArray();

    private sealed record OfficeRead(OfficeAvailability Availability, OfficeCoverage? Coverage, string? Error);
}

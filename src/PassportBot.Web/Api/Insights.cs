using PassportBot.Domain;
using PassportBot.Storage;

namespace PassportBot.Web.Api;

/// <summary>When slots appear, how long they live, how many were announced before the office opened: computed
/// from the stored facts in Rome time, which is when people read the agenda (SQL dialects disagree on time zones).</summary>
internal static class Insights
{
    public const int DefaultWeeks = 8;
    public const int MaxWeeks = 52;

    /// <param name="offices">Office data for names and opening hours; facts of unknown offices still count.</param>
    public static InsightsDto Compute(
        string? province, int weeks, DateTimeOffset now, IReadOnlyList<SlotFact> facts, IReadOnlyList<Office> offices)
    {
        // heatmap[weekday][hour], Monday first as on Italian calendars.
        var heatmap = new int[7][];
        for (var d = 0; d < 7; d++) heatmap[d] = new int[24];
        foreach (var fact in facts)
        {
            var local = RomeTime.ToRome(fact.FirstSeen);
            heatmap[((int)local.DayOfWeek + 6) % 7][local.Hour]++;
        }

        var officeById = offices.GroupBy(o => o.Id).ToDictionary(g => g.Key, g => g.First());
        var perOffice = facts.GroupBy(f => f.OfficeId)
            .Select(g =>
            {
                officeById.TryGetValue(g.Key, out var office);
                var lifetimes = g.Where(f => f.GoneAt is not null)
                    .Select(f => (f.GoneAt!.Value - f.FirstSeen).TotalMinutes)
                    .Where(m => m >= 0)
                    .Order()
                    .ToArray();
                return new OfficeLifetimeDto(g.Key, office?.Code ?? "", office?.Name ?? "", g.Count(), lifetimes.Length,
                    lifetimes.Length == 0 ? null : Math.Round(Median(lifetimes), 1));
            })
            .OrderBy(o => o.OfficeCode, StringComparer.Ordinal).ThenBy(o => o.OfficeId)
            .ToArray();

        var announced = 0;
        var ahead = 0;
        foreach (var fact in facts)
        {
            if (fact.AnnouncedAt is not { } at) continue;
            announced++;
            // Ahead = told before the office's booking hour on the day of the announcement (INSERT SCHEDULED).
            if (officeById.TryGetValue(fact.OfficeId, out var office)
                && TimeOnly.FromDateTime(RomeTime.ToRome(at)) < office.BookableFrom) ahead++;
        }

        return new InsightsDto(province, weeks, ApiFormat.Instant(now - TimeSpan.FromDays(7 * weeks)), ApiFormat.Instant(now),
            facts.Count, heatmap, perOffice, announced, ahead);
    }

    private static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

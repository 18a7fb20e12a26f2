namespace PassportBot.Domain.Pipeline;

/// <summary>What one poll saw of one office and whether its slots may be announced now.</summary>
/// <param name="Offered">True when the office takes bookings now or within the look-ahead (see <see cref="BookingRules"/>):
/// its new slots are announced. False: they are only recorded, and announced by the first poll that offers them.</param>
/// <param name="BookableAt">For an office that opens its bookings shortly: when (null: bookable now).</param>
public sealed record PolledOffice(OfficeAvailability Seen, bool Offered, DateTimeOffset? BookableAt = null)
{
    /// <summary>Classifies an office by its opening hour at <paramref name="now"/>.</summary>
    public static PolledOffice Classify(OfficeAvailability seen, DateTimeOffset now, TimeSpan lookAhead)
    {
        var b = BookingRules.Evaluate(seen.Office.BookableFrom, now, lookAhead);
        return b.State switch
        {
            BookingState.Bookable => new PolledOffice(seen, true),
            BookingState.OpensSoon => new PolledOffice(seen, true, b.OpensAt),
            _ => new PolledOffice(seen, false),
        };
    }
}

/// <summary>One poll of one province: every office seen, and the part of the agenda read completely.</summary>
/// <param name="Coverage">Slots inside it that the poll did not see are evidence of absence; nothing else is.</param>
public sealed record ProvincePoll(
    string Province,
    DateTimeOffset PolledAt,
    IReadOnlyList<PolledOffice> Offices,
    IReadOnlyList<OfficeCoverage> Coverage);

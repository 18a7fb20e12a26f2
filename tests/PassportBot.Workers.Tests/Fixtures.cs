using PassportBot.Domain;
using PassportBot.Messaging;

namespace PassportBot.Workers.Tests;

internal static class Fixtures
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    public static Office Turin(int id = 40, string code = "TOPQ60") =>
        new(id, code, "Questura di Torino", "Piazza Cesare Augusto, 5", "TORINO", "TO", new TimeOnly(9, 0));

    public static SlotObservation Slot(int officeId, int day, int hour, int places = 1) =>
        new(new SlotKey(officeId, new DateOnly(2026, 12, day), new TimeOnly(hour, 0)), places);

    public static AvailabilityUpdate Insert(DateTimeOffset at, params OfficeAvailability[] offices) =>
        new("TO", AvailabilityOperation.Insert, offices, at);

    public static AvailabilityUpdate SetInactive(DateTimeOffset at, params OfficeAvailability[] offices) =>
        new("TO", AvailabilityOperation.SetInactive, offices, at)
        {
            Coverage = offices.Select(o => new OfficeCoverage(o.Office.Id, new DateOnly(2026, 11, 26), new DateOnly(2027, 1, 31))).ToList(),
        };

    public static OfficeAvailability At(Office office, params SlotObservation[] slots) =>
        new(office, slots.Length == 0 ? null : slots.Min(s => s.Key.Date), slots);
}

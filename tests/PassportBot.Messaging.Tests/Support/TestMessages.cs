using PassportBot.Domain;

namespace PassportBot.Messaging.Tests.Support;

internal static class TestMessages
{
    public static readonly DateTimeOffset PolledAt = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);

    public static OutgoingMessage Outgoing(int n) =>
        new($"m{n:D6}", 1_000_000 + n, $"<b>Nuova disponibilità</b> #{n}") { CreatedAt = PolledAt, PolledAt = PolledAt };

    public static SubscriptionRequest Subscription(long chatId) => new(chatId, "TO", SubscriptionOperation.Insert) { Language = Language.English };

    public static AvailabilityUpdate Availability() => new(
        "TO",
        AvailabilityOperation.InsertScheduled,
        [
            new OfficeAvailability(
                new Office(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0)),
                new DateOnly(2026, 12, 1),
                [new SlotObservation(new SlotKey(40, new DateOnly(2026, 12, 1), new TimeOnly(17, 0)), 3)]),
        ],
        PolledAt)
    {
        PollId = "poll-1",
        BookableAt = PolledAt.AddMinutes(4),
        Coverage = [new OfficeCoverage(40, new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 31))],
    };
}

using PassportBot.Domain;
using PassportBot.Storage;

namespace PassportBot.Web.Tests;

/// <summary>Writes a small, known world through the storage interfaces, the way the availability handler does:
/// slot records come from <see cref="SlotLifecycle"/> and are saved in a province unit of work.</summary>
internal sealed class Seed(TestWebApp app)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 6, 15, 0, TimeSpan.Zero);

    // Distinctive values: the tests check they never show up in the API.
    public const long ChatA = 987_654_321_001, ChatB = 987_654_321_002, ChatC = 987_654_321_003, ChatD = 987_654_321_004, ChatGone = 987_654_321_005;

    public static readonly Office TorinoQuestura = new(101, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(8, 0))
    { Latitude = 45.0705, Longitude = 7.6687 };
    public static readonly Office Moncalieri = new(102, "TOCM01", "Commissariato di Moncalieri", "Via Real Collegio 1", "Moncalieri", "TO", new TimeOnly(9, 30))
    { Latitude = 44.9990, Longitude = 7.6820 };
    public static readonly Office Cagliari = new(201, "CAPQ01", "Questura di Cagliari", "Via Amerigo Vespucci 2", "Cagliari", "CA", new TimeOnly(8, 0))
    { Latitude = 39.2238, Longitude = 9.1217 };
    public static readonly Office Roma = new(301, "RMPQ01", "Questura di Roma", "Via di San Vitale 15", "Roma", "RM", new TimeOnly(8, 0));

    public static readonly SlotKey Steady = new(101, new DateOnly(2026, 12, 3), new TimeOnly(9, 20));
    public static readonly SlotKey Shrinking = new(101, new DateOnly(2026, 12, 3), new TimeOnly(9, 0));
    public static readonly SlotKey Earliest = new(102, new DateOnly(2026, 12, 1), new TimeOnly(10, 0));
    public static readonly SlotKey Booked = new(101, new DateOnly(2026, 12, 2), new TimeOnly(8, 40));
    public static readonly SlotKey BookedLater = new(102, new DateOnly(2026, 12, 5), new TimeOnly(11, 15));
    public static readonly SlotKey Sardinia = new(201, new DateOnly(2026, 12, 10), new TimeOnly(11, 0));

    private readonly SlotLifecycle _lifecycle = new(SlotLifecycle.DefaultGraceWindow);
    private readonly Dictionary<SlotKey, SlotRecord> _records = [];

    /// <summary>Torino: 3 open slots (one whose places went 3 → 2), 2 gone; Cagliari: 1 open; Roma: an office, no slots.
    /// Subscribers: TO 3, CA 2, RM 0 (its only chat was deactivated).</summary>
    public async Task WorldAsync()
    {
        await OfficesAsync("TO", TorinoQuestura, Moncalieri);
        await OfficesAsync("CA", Cagliari);
        await OfficesAsync("RM", Roma);

        await OfferAsync("TO", T0, (Shrinking, 3), (Steady, 1), (Earliest, 2), (Booked, 1), (BookedLater, 4));
        await OfferAsync("CA", T0, (Sardinia, 4));
        await ObserveAsync("TO", T0.AddMinutes(1), (Shrinking, 2), (Steady, 1), (Earliest, 2));
        await MissAsync("TO", T0.AddMinutes(1), Booked, BookedLater);
        await MissAsync("TO", T0.AddMinutes(2), Booked);
        await MissAsync("TO", T0.AddMinutes(30), BookedLater);

        var subscriptions = app.Get<ISubscriptionStore>();
        var none = CancellationToken.None;
        await subscriptions.SubscribeAsync(ChatA, "TO", Language.Italian, none);
        await subscriptions.SubscribeAsync(ChatB, "TO", Language.English, none);
        await subscriptions.SubscribeAsync(ChatC, "CA", Language.Italian, none);
        await subscriptions.SubscribeAsync(ChatD, "TO", Language.Italian, none);
        await subscriptions.SubscribeAsync(ChatD, "CA", Language.Italian, none);
        await subscriptions.SubscribeAsync(ChatGone, "RM", Language.Italian, none);
        await subscriptions.DeactivateChatAsync(ChatGone, "blocked", none);
    }

    public async Task OfficesAsync(string province, params Office[] offices)
    {
        await using var work = await app.Get<IAvailabilityStore>().BeginAsync(province, CancellationToken.None);
        await work.UpsertOfficesAsync(offices, CancellationToken.None);
        await work.CommitAsync(CancellationToken.None);
    }

    public Task OfferAsync(string province, DateTimeOffset at, params (SlotKey Key, int Places)[] slots) =>
        SaveAsync(province, at, slots.Select(s => _lifecycle.Offer(Existing(s.Key), new SlotObservation(s.Key, s.Places), province, at)));

    public Task ObserveAsync(string province, DateTimeOffset at, params (SlotKey Key, int Places)[] slots) =>
        SaveAsync(province, at, slots.Select(s => _lifecycle.Observe(Existing(s.Key), new SlotObservation(s.Key, s.Places), province, at)));

    public Task MissAsync(string province, DateTimeOffset at, params SlotKey[] keys) =>
        SaveAsync(province, at, keys.Select(k => _lifecycle.Miss(_records[k], at)));

    private SlotRecord? Existing(SlotKey key) => _records.GetValueOrDefault(key);

    private async Task SaveAsync(string province, DateTimeOffset at, IEnumerable<SlotOutcome> outcomes)
    {
        var list = outcomes.ToList();
        await using var work = await app.Get<IAvailabilityStore>().BeginAsync(province, CancellationToken.None);
        await work.SaveSlotsAsync(list, at, CancellationToken.None);
        await work.CommitAsync(CancellationToken.None);
        foreach (var outcome in list) _records[outcome.Record.Key] = outcome.Record;
    }
}

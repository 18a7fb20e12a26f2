using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Storage;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

/// <summary>The availability handler over each real database: dedupe, fan-out, closing, cancellations.</summary>
public abstract class AvailabilityHandlerTests(string provider) : IAsyncLifetime
{
    private WorkerHarness _h = null!;
    private AvailabilityHandler Handler => _h.Get<AvailabilityHandler>();
    private ISubscriptionStore Subscriptions => _h.Get<ISubscriptionStore>();

    public async Task InitializeAsync()
    {
        _h = await WorkerHarness.StartAsync(provider);
        await Subscriptions.SubscribeAsync(1, "TO", Language.Italian, default);
        await Subscriptions.SubscribeAsync(2, "TO", Language.English, default);
        await Subscriptions.SubscribeAsync(3, "TO", null, default);
        await Subscriptions.SubscribeAsync(4, "MI", Language.Italian, default);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_new_slot_reaches_every_subscriber_of_the_province_once_in_their_language()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);

        var messages = await _h.DrainOutboxAsync();
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.ChatId).Order().ToArray());
        Assert.StartsWith("<b>Nuova disponibilità:</b>", messages.Single(m => m.ChatId == 1).Content);
        Assert.StartsWith("<b>New availability:</b>", messages.Single(m => m.ChatId == 2).Content);
        Assert.Contains("19/12/2026 at 17:00 Available slots: 1", messages.Single(m => m.ChatId == 2).Content);
        Assert.All(messages, m => Assert.Equal(T0, m.PolledAt));
        Assert.Equal(3, messages.Select(m => m.Id).Distinct().Count());

        await Handler.HandleAsync(Insert(T0.AddMinutes(1), At(Turin(), Slot(40, 19, 17))), default);
        Assert.Empty(await _h.DrainOutboxAsync());
    }

    [Fact]
    public async Task New_slots_of_one_office_are_coalesced_into_one_message_per_subscriber()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9), Slot(40, 21, 10, places: 2)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);

        var messages = await _h.DrainOutboxAsync();
        Assert.Equal(6, messages.Count); // 3 subscribers × 2 offices
        var english = messages.Where(m => m.ChatId == 2).Select(m => m.Content!).ToList();
        Assert.Contains(english, c => c.Contains("TOPQ60") && c.Contains("19/12/2026") && c.Contains("20/12/2026") && c.Contains("21/12/2026 at 10:00 Available slots: 2"));
        Assert.Contains(english, c => c.Contains("TOPC01"));
    }

    [Fact]
    public async Task Only_the_new_slots_are_announced_when_an_office_gains_one()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        await _h.DrainOutboxAsync();

        await Handler.HandleAsync(Insert(T0.AddMinutes(1), At(Turin(), Slot(40, 19, 17), Slot(40, 22, 11))), default);
        var content = (await _h.DrainOutboxAsync()).First(m => m.ChatId == 2).Content;
        Assert.Contains("22/12/2026", content);
        Assert.DoesNotContain("19/12/2026 at 17:00", content);
    }

    [Fact]
    public async Task A_restart_does_not_announce_again()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        await _h.DrainOutboxAsync();

        await using var restarted = await _h.RestartAsync(provider);
        var handler = (AvailabilityHandler)restarted.GetService(typeof(AvailabilityHandler))!;
        await handler.HandleAsync(Insert(T0.AddMinutes(1), At(Turin(), Slot(40, 19, 17))), default);
        Assert.Empty(await _h.DrainOutboxAsync(restarted));
    }

    [Fact]
    public async Task A_slot_is_closed_after_two_complete_polls_without_it()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);
        await Handler.HandleAsync(SetInactive(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);

        await Handler.HandleAsync(SetInactive(T0.AddMinutes(1), At(Turin(), Slot(40, 20, 9))), default);
        Assert.Equal(2, await OpenCount());

        await Handler.HandleAsync(SetInactive(T0.AddMinutes(2), At(Turin(), Slot(40, 20, 9))), default);
        var gone = await _h.Get<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Gone, 10, default);
        var slot = Assert.Single(gone);
        Assert.Equal(new DateOnly(2026, 12, 19), slot.Date);
        Assert.Equal(T0.AddMinutes(2), slot.GoneAt);
        Assert.Equal(1, await OpenCount());
    }

    [Fact]
    public async Task A_poll_that_did_not_read_an_office_is_not_evidence_against_its_slots()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);
        for (var i = 1; i <= 3; i++)
        {
            // Office 41's agenda failed to load: it is neither seen nor covered.
            var update = new AvailabilityUpdate("TO", AvailabilityOperation.SetInactive, [At(Turin(), Slot(40, 19, 17))], T0.AddMinutes(i))
            {
                Coverage = [new OfficeCoverage(40, new DateOnly(2026, 11, 26), new DateOnly(2027, 1, 31))],
            };
            await Handler.HandleAsync(update, default);
        }
        Assert.Equal(2, await OpenCount());
    }

    [Fact]
    public async Task A_cancellation_after_the_grace_window_is_announced_again_a_flicker_is_not()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);
        await _h.DrainOutboxAsync();
        // Both slots are booked: two complete polls without them.
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(1), At(Turin())), default);
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(2), At(Turin())), default);
        Assert.Equal(0, await OpenCount());

        // 19/12 comes back 5 minutes later (a flicker), 20/12 after 20 minutes (a cancellation).
        await Handler.HandleAsync(Insert(T0.AddMinutes(7), At(Turin(), Slot(40, 19, 17))), default);
        Assert.Empty(await _h.DrainOutboxAsync());

        await Handler.HandleAsync(Insert(T0.AddMinutes(22), At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);
        var messages = await _h.DrainOutboxAsync();
        Assert.Equal(3, messages.Count);
        Assert.All(messages, m => Assert.Contains("20/12/2026", m.Content));
        Assert.All(messages, m => Assert.DoesNotContain("19/12/2026", m.Content));
    }

    [Fact]
    public async Task Scheduled_slots_are_announced_with_their_opening_time_and_not_again_when_bookable()
    {
        var opensAt = RomeTime.At(new DateOnly(2026, 11, 26), new TimeOnly(9, 0));
        var update = new AvailabilityUpdate("TO", AvailabilityOperation.InsertScheduled, [At(Turin(), Slot(40, 19, 17))], opensAt.AddMinutes(-4)) { BookableAt = opensAt };
        await Handler.HandleAsync(update, default);
        var messages = await _h.DrainOutboxAsync();
        Assert.Contains("Bookable from 09:00", messages.Single(m => m.ChatId == 2).Content);

        await Handler.HandleAsync(Insert(opensAt.AddMinutes(1), At(Turin(), Slot(40, 19, 17))), default);
        Assert.Empty(await _h.DrainOutboxAsync());
    }

    [Fact]
    public async Task Places_over_time_are_recorded()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17, places: 3))), default);
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(1), At(Turin(), Slot(40, 19, 17, places: 2))), default);
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(2), At(Turin(), Slot(40, 19, 17, places: 2))), default);
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(3), At(Turin(), Slot(40, 19, 17, places: 1))), default);

        var history = await _h.Get<IDashboardQueries>().GetPlacesHistoryAsync(Slot(40, 19, 17).Key, default);
        Assert.Equal([3, 2, 1], history.Select(p => p.Places).ToArray());
        var view = Assert.Single(await _h.Get<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Open, 10, default));
        Assert.Equal(1, view.Places);
        Assert.Equal(3, view.MaxPlaces);
    }

    [Fact]
    public async Task Unknown_provinces_and_foreign_slots_are_rejected_or_ignored()
    {
        await Assert.ThrowsAsync<PoisonMessageException>(() => Handler.HandleAsync(new AvailabilityUpdate("XX", AvailabilityOperation.Insert, [], T0), default));

        // A slot whose key names another office, and a zero-place slot, are not announced.
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(99, 19, 17), Slot(40, 20, 9, places: 0))), default);
        Assert.Empty(await _h.DrainOutboxAsync());
    }

    [Fact]
    public async Task Concurrent_updates_of_one_province_announce_each_slot_once()
    {
        // Three handlers (as three replicas would) apply the same poll at once.
        var handlers = new List<AvailabilityHandler> { Handler };
        var extra = new List<IAsyncDisposable>();
        for (var i = 0; i < 2; i++)
        {
            var sp = await _h.RestartAsync(provider);
            extra.Add(sp);
            handlers.Add((AvailabilityHandler)sp.GetService(typeof(AvailabilityHandler))!);
        }
        var update = Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)));
        await Task.WhenAll(handlers.Select(h => Task.Run(() => h.HandleAsync(update, default))));
        foreach (var d in extra) await d.DisposeAsync();

        var messages = await _h.DrainOutboxAsync();
        Assert.Equal(3, messages.Count);
    }

    private async Task<int> OpenCount() => (await _h.Get<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Open, 100, default)).Count;
}

public sealed class SqliteAvailabilityHandlerTests() : AvailabilityHandlerTests("sqlite");

public sealed class MariaDbAvailabilityHandlerTests() : AvailabilityHandlerTests("mariadb");

public sealed class PostgresAvailabilityHandlerTests() : AvailabilityHandlerTests("postgres");

using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Domain.Notifications;
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
    public async Task The_warm_up_runs_the_write_path_and_leaves_nothing_behind()
    {
        Assert.True(await Handler.WarmUpAsync(default));

        Assert.Equal(0, await _h.Get<IOutboxStore>().CountAsync(default));
        Assert.Equal(0, await _h.Get<IFanOutJobStore>().CountAsync(default));
        Assert.Empty(await _h.Get<IAvailabilityStore>().GetOpenSlotsAsync(AvailabilityHandler.WarmUpProvince, default));
        // A real poll after it is announced as usual.
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17))), default);
        var messages = await _h.DrainOutboxAsync();
        Assert.Equal([1L, 2L, 3L], messages.Select(m => m.ChatId).Order().ToArray());
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

    [Fact]
    public async Task One_poll_message_announces_the_offered_offices_records_the_rest_and_closes_in_one_go()
    {
        await Handler.HandleAsync(Poll(T0, [new OfficeOffer(40)], At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);
        var first = await _h.DrainOutboxAsync();
        Assert.Equal(3, first.Count); // office 40 only: 41 is not bookable yet
        Assert.All(first, m => Assert.Equal("TOPQ60", Assert.Single(m.Offices!).Office.Code));
        Assert.All(first, m => Assert.Equal("p", m.PollId));
        Assert.Equal(3, await OpenCount());

        var opens = T0.AddMinutes(2);
        await Handler.HandleAsync(Poll(T0.AddMinutes(1), [new OfficeOffer(41, opens)], At(Turin(), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);
        await Handler.HandleAsync(Poll(T0.AddMinutes(2), [], At(Turin(), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);
        var scheduled = await _h.DrainOutboxAsync();
        Assert.Equal(3, scheduled.Count);
        Assert.All(scheduled, m => Assert.Equal((OutgoingKind.Scheduled, (DateTimeOffset?)opens), (m.Kind, m.BookableAt)));
        Assert.Equal(2, await OpenCount()); // 19/12 17:00 missed by two complete polls
    }

    [Fact]
    public async Task A_slot_of_a_day_that_is_over_is_closed_at_the_first_poll_after_midnight_in_rome()
    {
        var day = new DateOnly(2026, 12, 19);
        var evening = RomeTime.At(day, new TimeOnly(23, 59));
        await Handler.HandleAsync(Poll(evening, [new OfficeOffer(40)], At(Turin(), Slot(40, 19, 17), Slot(40, 22, 9))), default);
        Assert.Equal(2, await OpenCount());

        // After midnight the site no longer lists it and the coverage starts at the new day.
        var update = Poll(evening.AddMinutes(2), [new OfficeOffer(40)], At(Turin(), Slot(40, 22, 9))) with
        {
            Coverage = [new OfficeCoverage(40, day.AddDays(1), day.AddDays(60))],
        };
        await Handler.HandleAsync(update, default);

        var open = await _h.Get<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Open, 10, default);
        Assert.Equal(new DateOnly(2026, 12, 22), Assert.Single(open).Date);
        var stats = await _h.Get<IDashboardQueries>().GetProvinceStatsAsync(default);
        Assert.Equal(new DateOnly(2026, 12, 22), stats.Single(p => p.Province == "TO").FirstOpenDate);
    }

    [Fact]
    public async Task Each_subscriber_gets_only_the_slots_their_filter_accepts_and_nothing_when_none_pass()
    {
        // 1: Moncalieri only; 2: at least 2 places; 3: on or before 19/12, in quiet hours now (silent).
        var hour = RomeTime.ToRome(DateTimeOffset.UtcNow).Hour;
        await Subscriptions.SetOfficesAsync(1, "TO", ["TOPC01"], default);
        await Subscriptions.SetUserFilterAsync(2, SubscriberFilter.None with { MinPlaces = 2 }, default);
        await Subscriptions.SetUserFilterAsync(3, SubscriberFilter.None with { Before = new DateOnly(2026, 12, 19), Quiet = new QuietHours(hour, (hour + 2) % 24) }, default);

        await Handler.HandleAsync(Poll(T0, [new OfficeOffer(40), new OfficeOffer(41)],
            At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9, places: 2)), At(Turin(41, "TOPC01"), Slot(41, 21, 9))), default);
        var messages = await _h.DrainOutboxAsync();

        var one = Assert.Single(messages, m => m.ChatId == 1);
        Assert.Equal("TOPC01", one.Offices![0].Office.Code);
        var two = Assert.Single(messages, m => m.ChatId == 2);
        Assert.Equal([new NotifiedSlot(new DateOnly(2026, 12, 20), new TimeOnly(9, 0), 2)], two.Offices![0].Slots);
        Assert.False(two.Silent);
        var three = Assert.Single(messages, m => m.ChatId == 3);
        Assert.Equal([new DateOnly(2026, 12, 19)], three.Offices![0].Slots.Select(s => s.Date).ToArray());
        Assert.True(three.Silent);
        Assert.Contains("19/12/2026", three.Content);
        Assert.DoesNotContain("20/12/2026", three.Content);
        Assert.Equal(3, messages.Count);
    }

    [Fact]
    public async Task Gone_alerts_go_only_to_subscribers_who_asked_and_whose_filter_accepts_the_slot()
    {
        await Subscriptions.SetUserFilterAsync(1, SubscriberFilter.None with { NotifyGone = true }, default);
        await Subscriptions.SetUserFilterAsync(2, SubscriberFilter.None with { NotifyGone = true, MinPlaces = 3 }, default);
        await Handler.HandleAsync(Poll(T0, [new OfficeOffer(40)], At(Turin(), Slot(40, 19, 17, places: 2), Slot(40, 20, 9))), default);
        await _h.DrainOutboxAsync();

        await Handler.HandleAsync(Poll(T0.AddMinutes(1), [new OfficeOffer(40)], At(Turin(), Slot(40, 20, 9))), default);
        Assert.Empty(await _h.DrainOutboxAsync()); // one miss is not evidence
        await Handler.HandleAsync(Poll(T0.AddMinutes(2), [new OfficeOffer(40)], At(Turin(), Slot(40, 20, 9))), default);

        var gone = Assert.Single(await _h.DrainOutboxAsync());
        Assert.Equal((1L, OutgoingKind.Gone), (gone.ChatId, gone.Kind));
        Assert.Equal([new NotifiedSlot(new DateOnly(2026, 12, 19), new TimeOnly(17, 0), 2)], gone.Offices![0].Slots);
        Assert.StartsWith("<b>Non più disponibile:</b>", gone.Content);
    }

    private static AvailabilityUpdate Poll(DateTimeOffset at, IReadOnlyList<OfficeOffer> offers, params OfficeAvailability[] offices) =>
        SetInactive(at, offices) with { Offers = offers, PollId = "p" };

    private async Task<int> OpenCount() => (await _h.Get<IDashboardQueries>().GetSlotsAsync("TO", SlotState.Open, 100, default)).Count;
}

public sealed class SqliteAvailabilityHandlerTests() : AvailabilityHandlerTests("sqlite");

public sealed class MariaDbAvailabilityHandlerTests() : AvailabilityHandlerTests("mariadb");

public sealed class PostgresAvailabilityHandlerTests() : AvailabilityHandlerTests("postgres");

using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Messaging;
using PassportBot.Storage;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

public sealed class NewUserHandlerTests : IAsyncLifetime
{
    private WorkerHarness _h = null!;
    private readonly List<OutgoingMessage> _sent = [];
    private IAsyncDisposable? _consumer;

    public async Task InitializeAsync()
    {
        _h = await WorkerHarness.StartAsync("sqlite");
        _consumer = await _h.Get<IMessageBus>().ConsumeAsync(Queues.Message, (m, _) => { lock (_sent) _sent.Add(WorkerHarness.Rendered(m)); return Task.CompletedTask; }, new ConsumerOptions(), default);
    }

    public async Task DisposeAsync()
    {
        if (_consumer is not null) await _consumer.DisposeAsync();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task Subscribe_unsubscribe_and_remove_all_change_the_subscriptions()
    {
        var handler = _h.Get<NewUserHandler>();
        var store = _h.Get<ISubscriptionStore>();
        await handler.HandleAsync(new SubscriptionRequest(7, "to", SubscriptionOperation.Insert) { Language = Language.English }, default);
        await handler.HandleAsync(new SubscriptionRequest(7, "SU", SubscriptionOperation.Insert), default);
        await handler.HandleAsync(new SubscriptionRequest(7, "MI", SubscriptionOperation.Insert), default);
        Assert.Equal(["CA", "MI", "TO"], (await store.GetProvincesAsync(7, default)).Order().ToArray());
        Assert.Equal(Language.English, await store.GetLanguageAsync(7, default));

        await handler.HandleAsync(new SubscriptionRequest(7, "MI", SubscriptionOperation.Remove), default);
        Assert.Equal(["CA", "TO"], (await store.GetProvincesAsync(7, default)).Order().ToArray());

        await handler.HandleAsync(new SubscriptionRequest(7, null, SubscriptionOperation.RemoveAll), default);
        Assert.Empty(await store.GetProvincesAsync(7, default));
    }

    [Fact]
    public async Task Subscribing_to_a_province_with_open_slots_sends_one_summary()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);

        await _h.Get<NewUserHandler>().HandleAsync(new SubscriptionRequest(9, "TO", SubscriptionOperation.Insert) { Language = Language.English }, default);

        var summary = await WaitForAsync(() => _sent.FirstOrDefault(m => m.ChatId == 9));
        Assert.Equal(OutgoingKind.Summary, summary.Kind);
        Assert.Contains("Slots open now in Torino (TO)", summary.Content);
        Assert.Contains("19/12/2026 at 17:00", summary.Content);
        Assert.Contains("20/12/2026 at 09:00", summary.Content);
    }

    [Fact]
    public async Task The_summary_carries_only_the_slots_the_filter_accepts_and_is_not_sent_when_none_pass()
    {
        await _h.Get<AvailabilityHandler>().HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9, places: 2))), default);
        var store = _h.Get<ISubscriptionStore>();
        await store.SetUserFilterAsync(10, SubscriberFilter.None with { MinPlaces = 2 }, default);
        await store.SetUserFilterAsync(11, SubscriberFilter.None with { Before = new DateOnly(2026, 12, 18) }, default);
        var handler = _h.Get<NewUserHandler>();

        await handler.HandleAsync(new SubscriptionRequest(10, "TO", SubscriptionOperation.Insert) { Language = Language.English }, default);
        await handler.HandleAsync(new SubscriptionRequest(11, "TO", SubscriptionOperation.Insert) { Language = Language.English }, default);
        await handler.HandleAsync(new SubscriptionRequest(12, "TO", SubscriptionOperation.Insert) { Language = Language.English }, default);

        var filtered = await WaitForAsync(() => _sent.FirstOrDefault(m => m.ChatId == 10));
        Assert.Contains("20/12/2026 at 09:00", filtered.Content);
        Assert.DoesNotContain("19/12/2026", filtered.Content);
        await WaitForAsync(() => _sent.FirstOrDefault(m => m.ChatId == 12));
        lock (_sent) Assert.DoesNotContain(_sent, m => m.ChatId == 11);
    }

    [Fact]
    public async Task Bad_requests_are_poison_not_crashes()
    {
        var handler = _h.Get<NewUserHandler>();
        await Assert.ThrowsAsync<PoisonMessageException>(() => handler.HandleAsync(new SubscriptionRequest(7, "XX", SubscriptionOperation.Insert), default));
        await Assert.ThrowsAsync<PoisonMessageException>(() => handler.HandleAsync(new SubscriptionRequest(7, null, SubscriptionOperation.Insert), default));
        await Assert.ThrowsAsync<PoisonMessageException>(() => handler.HandleAsync(new SubscriptionRequest(0, "TO", SubscriptionOperation.Insert), default));
    }

    private async Task<T> WaitForAsync<T>(Func<T?> probe) where T : class
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            lock (_sent) if (probe() is { } found) return found;
            await Task.Delay(10, cts.Token);
        }
    }
}

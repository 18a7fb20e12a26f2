using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Storage;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

/// <summary>Webhook and ntfy targets get every announcement of their provinces, and every announced slot that is
/// gone, written to the outbox in the same transaction as the slot changes.</summary>
public sealed class TargetFanOutTests : IAsyncLifetime
{
    private WorkerHarness _h = null!;
    private AvailabilityHandler Handler => _h.Get<AvailabilityHandler>();

    public async Task InitializeAsync()
    {
        _h = await WorkerHarness.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["Notifications:Webhooks:everything:Url"] = "http://127.0.0.1:9/hook",
            ["Notifications:Webhooks:everything:Secret"] = "s",
            ["Notifications:Ntfy:milano:Url"] = "http://127.0.0.1:9/mi",
            ["Notifications:Ntfy:milano:Provinces:0"] = "MI",
        });
        await _h.Get<ISubscriptionStore>().SubscribeAsync(1, "TO", Language.Italian, default);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Announcements_go_to_the_targets_of_the_province_first_one_per_office()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);

        var messages = await _h.DrainOutboxAsync();
        var targets = messages.Where(m => m.Recipient.Kind != RecipientKind.Telegram).ToList();
        Assert.Equal(2, targets.Count);
        Assert.All(targets, m => Assert.Equal(new Recipient(RecipientKind.Webhook, "everything"), m.Recipient));
        Assert.All(targets, m => Assert.Equal(Queues.Targets, Queues.For(m.Recipient)));
        Assert.Equal(["TOPC01", "TOPQ60"], targets.Select(m => Assert.Single(m.Offices!).Office.Code).Order());
        Assert.Equal(2, Assert.Single(targets, m => m.Offices![0].Office.Code == "TOPQ60").Offices![0].Slots.Count);
        Assert.Equal(OutgoingKind.New, targets[0].Kind);
        // Subscribers still get theirs, after the targets.
        Assert.Equal(2, messages.Count(m => m.ChatId == 1));
        Assert.True(messages.FindLastIndex(m => m.Recipient.Kind != RecipientKind.Telegram) < messages.FindIndex(m => m.ChatId == 1));
    }

    [Fact]
    public async Task An_announced_slot_that_closes_is_one_gone_event_per_target_and_office()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17, places: 3), Slot(40, 20, 9))), default);
        await Handler.HandleAsync(SetInactive(T0, At(Turin(), Slot(40, 19, 17, places: 3), Slot(40, 20, 9))), default);
        await _h.DrainOutboxAsync();

        await Handler.HandleAsync(SetInactive(T0.AddMinutes(1), At(Turin(), Slot(40, 20, 9))), default);
        Assert.Empty(await _h.DrainOutboxAsync());
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(2), At(Turin(), Slot(40, 20, 9))), default);

        var gone = Assert.Single(await _h.DrainOutboxAsync(), m => m.Recipient.Kind == RecipientKind.Webhook);
        Assert.Equal(OutgoingKind.Gone, gone.Kind);
        var office = Assert.Single(gone.Offices!);
        Assert.Equal("TOPQ60", office.Office.Code);
        var slot = Assert.Single(office.Slots);
        Assert.Equal(new DateOnly(2026, 12, 19), slot.Date);
        // The places it had when last seen, not the closed record's.
        Assert.Equal(3, slot.Places);
    }
}

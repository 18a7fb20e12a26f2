using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Testing.Storage;

namespace PassportBot.Storage.Tests;

/// <summary>Filters per user, office restrictions per subscription, and erasure, on each provider.</summary>
public abstract class SubscriberFilterStoreTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly List<IAsyncDisposable> _cleanup = [];

    protected abstract string Provider { get; }

    private FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));

    private StorageHarness Store { get; set; } = null!;

    private ISubscriptionStore Subs => Store.Subscriptions;

    public async Task InitializeAsync()
    {
        var (connectionString, drop) = await TestDatabases.CreateAsync(Provider);
        _cleanup.Add(drop);
        Store = new StorageHarness(Provider, connectionString, Clock);
        _cleanup.Add(Store);
        await Store.Migrator.MigrateAsync(None);
    }

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) await _cleanup[i].DisposeAsync();
    }

    private static SubscriberFilter Everything => new()
    {
        Before = new DateOnly(2027, 3, 31),
        WithinDays = 30,
        MinPlaces = 2,
        Days = new HashSet<DayOfWeek> { DayOfWeek.Monday, DayOfWeek.Friday },
        Quiet = new QuietHours(23, 7),
        NotifyGone = true,
    };

    [Fact]
    public async Task Subscribers_can_be_listed_as_ids_then_read_with_their_filters_for_a_chosen_few()
    {
        for (long chat = 1; chat <= 1_500; chat++) await Subs.SubscribeAsync(chat, chat % 3 == 0 ? "MI" : "TO", null, None);
        await Subs.SetUserFilterAsync(4, Everything, None);
        await Subs.DeactivateChatAsync(5, "blocked", None);
        var expected = (await Subs.ListSubscribersAsync("TO", None)).ToList();

        var ids = await Subs.ListSubscriberChatIdsAsync("TO", None);
        Assert.Equal(expected.Select(s => s.ChatId).Order(), ids.Order());
        Assert.DoesNotContain(5L, ids);
        Assert.DoesNotContain(3L, ids);

        // More ids than one statement takes, with MI chats, the inactive one, an unknown one and a repeat among them.
        var asked = ids.Append(3L).Append(5L).Append(99_999L).Append(4L).ToList();
        var read = await Subs.ListSubscribersAsync("TO", asked, None);
        Assert.Equal(expected, read.OrderBy(s => s.ChatId));
        Assert.Equal(Everything, read.Single(s => s.ChatId == 4).Filter);
        Assert.Empty(await Subs.ListSubscribersAsync("TO", [], None));
    }

    [Fact]
    public async Task User_filters_round_trip_and_apply_to_every_province()
    {
        await Subs.SubscribeAsync(1, "TO", Language.English, None);
        await Subs.SubscribeAsync(1, "MI", null, None);
        await Subs.SubscribeAsync(2, "TO", null, None);

        await Subs.SetUserFilterAsync(1, Everything, None);

        Assert.Equal(Everything, await Subs.GetUserFilterAsync(1, None));
        Assert.Equal(SubscriberFilter.None, await Subs.GetUserFilterAsync(2, None));
        Assert.Equal(SubscriberFilter.None, await Subs.GetUserFilterAsync(999, None));
        var turin = await Subs.ListSubscribersAsync("TO", None);
        Assert.Equal([new FilteredSubscriber(1, Language.English, Everything), new FilteredSubscriber(2, Language.Italian, SubscriberFilter.None)], turin);
        Assert.Equal(Everything, (await Subs.ListSubscribersAsync("MI", None)).Single().Filter);

        await Subs.SetUserFilterAsync(1, SubscriberFilter.None, None);
        Assert.Equal(SubscriberFilter.None, await Subs.GetUserFilterAsync(1, None));
        Assert.Equal(Language.English, await Subs.GetLanguageAsync(1, None));
    }

    [Fact]
    public async Task Setting_filters_of_an_unknown_chat_creates_it_without_subscriptions()
    {
        await Subs.SetUserFilterAsync(5, SubscriberFilter.None with { MinPlaces = 3 }, None);
        Assert.Equal(3, (await Subs.GetUserFilterAsync(5, None)).MinPlaces);
        Assert.Equal(Language.Italian, await Subs.GetLanguageAsync(5, None));
        Assert.Empty(await Subs.GetProvincesAsync(5, None));
    }

    [Fact]
    public async Task Office_restriction_is_per_province_and_combines_with_user_filters()
    {
        await Subs.SubscribeAsync(1, "TO", null, None);
        await Subs.SubscribeAsync(1, "MI", null, None);
        await Subs.SetUserFilterAsync(1, SubscriberFilter.None with { MinPlaces = 2 }, None);

        Assert.True(await Subs.SetOfficesAsync(1, "TO", ["topq60", "TOPC01", "TOPQ60"], None));
        Assert.False(await Subs.SetOfficesAsync(1, "RM", ["RMPQ01"], None));
        Assert.False(await Subs.SetOfficesAsync(2, "TO", ["TOPQ60"], None));

        var turin = (await Subs.ListSubscribersAsync("TO", None)).Single().Filter;
        Assert.Equal(new SubscriberFilter { MinPlaces = 2 }.WithOffices(["TOPC01", "TOPQ60"]), turin);
        Assert.Null((await Subs.ListSubscribersAsync("MI", None)).Single().Filter.OfficeCodes);
        Assert.Equal(turin, (await Subs.GetSubscriberAsync(1, "TO", None))?.Filter);
        Assert.Null(await Subs.GetSubscriberAsync(1, "RM", None));

        var subscriptions = await Subs.GetSubscriptionsAsync(1, None);
        Assert.Equal(["MI", "TO"], subscriptions.Select(s => s.Province));
        Assert.Null(subscriptions[0].OfficeCodes);
        Assert.True(subscriptions[1].OfficeCodes!.SetEquals(["TOPQ60", "TOPC01"]));

        Assert.True(await Subs.SetOfficesAsync(1, "TO", null, None));
        Assert.Null((await Subs.ListSubscribersAsync("TO", None)).Single().Filter.OfficeCodes);
        Assert.True(await Subs.SetOfficesAsync(1, "TO", [], None));
        Assert.Null((await Subs.ListSubscribersAsync("TO", None)).Single().Filter.OfficeCodes);
    }

    [Fact]
    public async Task Inactive_chats_are_not_listed_and_keep_their_filters_when_they_come_back()
    {
        await Subs.SubscribeAsync(1, "TO", null, None);
        await Subs.SetUserFilterAsync(1, Everything, None);
        await Subs.DeactivateChatAsync(1, "blocked", None);
        Assert.Empty(await Subs.ListSubscribersAsync("TO", None));

        await Subs.SubscribeAsync(1, "TO", null, None);
        Assert.Equal(Everything, (await Subs.ListSubscribersAsync("TO", None)).Single().Filter);
    }

    [Fact]
    public async Task Office_directory_lists_polled_offices_with_their_first_open_day()
    {
        var turin = new Office(40, "TOPQ60", "Questura di Torino", "Corso Vinzaglio 10", "Torino", "TO", new TimeOnly(9, 0));
        var moncalieri = new Office(41, "TOPC01", "Commissariato Moncalieri", "Via Real Collegio 1", "Moncalieri", "TO", new TimeOnly(9, 0));
        var directory = (IOfficeDirectory)Store.Services.GetService(typeof(IOfficeDirectory))!;
        Assert.Empty(await directory.GetOfficesAsync("TO", None));

        var lifecycle = new SlotLifecycle(SlotLifecycle.DefaultGraceWindow);
        var at = Clock.GetUtcNow();
        await using (var uow = await Store.Availability.BeginAsync("TO", None))
        {
            await uow.UpsertOfficesAsync([turin, moncalieri], None);
            await uow.SaveSlotsAsync(
                [
                    lifecycle.Offer(null, new SlotObservation(new SlotKey(40, new DateOnly(2026, 4, 20), new TimeOnly(9, 0)), 1), "TO", at),
                    lifecycle.Offer(null, new SlotObservation(new SlotKey(40, new DateOnly(2026, 4, 3), new TimeOnly(9, 0)), 1), "TO", at),
                ], at, None);
            await uow.CommitAsync(None);
        }

        var offices = await directory.GetOfficesAsync("TO", None);
        Assert.Equal([new OfficeSummary(moncalieri, null), new OfficeSummary(turin, new DateOnly(2026, 4, 3))], offices);
        Assert.Empty(await directory.GetOfficesAsync("MI", None));
    }

    [Fact]
    public async Task Stored_user_shows_everything_and_erase_removes_all_of_it()
    {
        var joined = Clock.GetUtcNow();
        await Subs.SubscribeAsync(1, "TO", Language.English, None);
        Clock.Advance(TimeSpan.FromDays(2));
        await Subs.SubscribeAsync(1, "MI", null, None);
        await Subs.SetOfficesAsync(1, "TO", ["TOPQ60"], None);
        await Subs.SetUserFilterAsync(1, Everything, None);
        await Subs.SubscribeAsync(2, "TO", null, None);

        var stored = await Subs.GetStoredUserAsync(1, None);
        Assert.NotNull(stored);
        Assert.Equal((1L, Language.English, true, joined), (stored.ChatId, stored.Language, stored.Active, stored.JoinedAt));
        Assert.Equal(Everything, stored.Filter);
        Assert.Equal(["MI", "TO"], stored.Subscriptions.Select(s => s.Province));
        Assert.Equal(joined.AddDays(2), stored.Subscriptions[0].Since);
        Assert.Null(await Subs.GetStoredUserAsync(3, None));

        Assert.True(await Subs.EraseUserAsync(1, None));
        Assert.False(await Subs.EraseUserAsync(1, None));

        Assert.Null(await Subs.GetStoredUserAsync(1, None));
        Assert.Null(await Subs.GetLanguageAsync(1, None));
        Assert.Empty(await Subs.GetProvincesAsync(1, None));
        Assert.Equal([2L], (await Subs.ListSubscribersAsync("TO", None)).Select(s => s.ChatId));
        Assert.NotNull(await Subs.GetStoredUserAsync(2, None));
    }
}

public sealed class SqliteSubscriberFilterStoreTests : SubscriberFilterStoreTests
{
    protected override string Provider => "sqlite";
}

public sealed class MariaDbSubscriberFilterStoreTests : SubscriberFilterStoreTests
{
    protected override string Provider => "mariadb";
}

public sealed class PostgresSubscriberFilterStoreTests : SubscriberFilterStoreTests
{
    protected override string Provider => "postgres";
}

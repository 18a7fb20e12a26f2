using Microsoft.Extensions.Time.Testing;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Pipeline;
using PassportBot.Messaging;
using PassportBot.Storage;
using PassportBot.Targets.Channels;
using PassportBot.Telegram;
using static PassportBot.Workers.Tests.Fixtures;

namespace PassportBot.Workers.Tests;

/// <summary>Province channels: every announcement of the province posted once to its channel, one post per office
/// while the channel's budget of 20 posts a minute allows, offices merged into fewer posts when it does not.</summary>
public sealed class ChannelFanOutTests : IAsyncLifetime
{
    private WorkerHarness _h = null!;
    private AvailabilityHandler Handler => _h.Get<AvailabilityHandler>();

    public async Task InitializeAsync()
    {
        _h = await WorkerHarness.StartAsync("sqlite", new Dictionary<string, string?>
        {
            ["Telegram:Channels:TO"] = "-1001234567890",
            ["Telegram:Channels:MI"] = "@passaporti_nord",
            ["Telegram:Channels:BG"] = "@passaporti_nord",
            ["Telegram:ChannelLanguage"] = "en",
            ["Telegram:ChannelGonePosts:0"] = "-1001234567890",
        });
        // A subscriber whose filter accepts nothing: the channel ignores subscriber filters.
        await _h.Get<ISubscriptionStore>().SubscribeAsync(1, "TO", Language.Italian, default);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_poll_is_posted_to_the_province_channel_once_per_office_in_the_channel_language_before_direct_messages()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);

        var messages = await _h.DrainOutboxAsync();
        var posts = messages.Where(m => m.Recipient.Kind == RecipientKind.TelegramChannel).ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal(Recipient.TelegramChannel("-1001234567890"), p.Recipient));
        Assert.All(posts, p => Assert.Equal(Language.English, p.Language));
        Assert.All(posts, p => Assert.Equal(OutgoingKind.New, p.Kind));
        Assert.All(posts, p => Assert.Equal(Queues.Message, Queues.For(p.Recipient)));
        Assert.Equal(["TOPC01", "TOPQ60"], posts.Select(p => Assert.Single(p.Offices!).Office.Code).Order());
        Assert.True(messages.FindLastIndex(m => m.Recipient.Kind == RecipientKind.TelegramChannel) < messages.FindIndex(m => m.ChatId == 1));

        // Applied again (a redelivery): already announced, nothing posted twice.
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9)), At(Turin(41, "TOPC01"), Slot(41, 19, 9))), default);
        Assert.DoesNotContain(await _h.DrainOutboxAsync(), m => m.Recipient.Kind == RecipientKind.TelegramChannel);
    }

    [Fact]
    public async Task Gone_posts_go_only_to_channels_that_asked_for_them()
    {
        await Handler.HandleAsync(Insert(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);
        await Handler.HandleAsync(SetInactive(T0, At(Turin(), Slot(40, 19, 17), Slot(40, 20, 9))), default);
        await _h.DrainOutboxAsync();
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(1), At(Turin(), Slot(40, 20, 9))), default);
        await Handler.HandleAsync(SetInactive(T0.AddMinutes(2), At(Turin(), Slot(40, 20, 9))), default);

        var gone = Assert.Single(await _h.DrainOutboxAsync(), m => m.Recipient.Kind == RecipientKind.TelegramChannel);
        Assert.Equal(OutgoingKind.Gone, gone.Kind);
        Assert.Equal(new DateOnly(2026, 12, 19), Assert.Single(Assert.Single(gone.Offices!).Slots).Date);

        var shared = new ChannelFanOut(Channels(), new ChannelPostBudget(new FakeTimeProvider(T0)));
        Assert.Empty(shared.Build("MI", [], [Offices(1, "MI")[0]], null, T0, T0));
    }

    [Fact]
    public async Task Provinces_without_a_channel_post_nothing()
    {
        await _h.Get<ISubscriptionStore>().SubscribeAsync(2, "AL", Language.Italian, default);
        var alessandria = new Office(70, "ALPQ01", "Questura di Alessandria", "Via Ferrara 1", "ALESSANDRIA", "AL", new TimeOnly(9, 0));
        await Handler.HandleAsync(new AvailabilityUpdate("AL", AvailabilityOperation.Insert, [At(alessandria, Slot(70, 19, 9))], T0), default);

        Assert.DoesNotContain(await _h.DrainOutboxAsync(), m => m.Recipient.Kind == RecipientKind.TelegramChannel);
    }

    [Fact]
    public void Within_the_budget_each_office_is_a_post_beyond_it_offices_are_merged_not_delayed()
    {
        var time = new FakeTimeProvider(T0);
        var fanOut = new ChannelFanOut(Channels(), new ChannelPostBudget(time));

        // 15 offices: within the budget of 20, one post each.
        var first = fanOut.Build("MI", Announce(Offices(15, "MI")), [], "p1", T0, T0);
        Assert.Equal(15, first.Count);
        Assert.All(first, p => Assert.Single(p.Offices!));

        // 12 more offices 10 s later, but only 5 posts left in this minute: 5 posts carrying all 12 offices.
        time.Advance(TimeSpan.FromSeconds(10));
        var second = fanOut.Build("MI", Announce(Offices(12, "MI", firstId: 100)), [], "p2", T0, time.GetUtcNow());
        Assert.Equal(5, second.Count);
        Assert.Equal(Enumerable.Range(100, 12), second.SelectMany(p => p.Offices!).Select(o => o.Office.Id));
        Assert.All(second, p => Assert.InRange(p.Offices!.Count, 2, 3));

        // Budget spent: the next poll still posts (one merged post), it is not held back.
        time.Advance(TimeSpan.FromSeconds(10));
        var third = fanOut.Build("BG", Announce(Offices(4, "BG", firstId: 200)), [], "p3", T0, time.GetUtcNow());
        Assert.Equal(4, Assert.Single(third).Offices!.Count);

        // A minute after the first poll the budget is back.
        time.Advance(TimeSpan.FromSeconds(41));
        Assert.Equal(3, fanOut.Build("MI", Announce(Offices(3, "MI", firstId: 300)), [], "p4", T0, time.GetUtcNow()).Count);
    }

    [Fact]
    public void A_merged_post_never_mixes_kinds_and_stays_within_telegrams_length_limit()
    {
        var time = new FakeTimeProvider(T0);
        var budget = new ChannelPostBudget(time);
        budget.Spend("@passaporti_nord", 19);
        var fanOut = new ChannelFanOut(Channels(), budget);
        var opens = T0.AddMinutes(3);
        var offices = Offices(20, "MI", slotsPerOffice: 40);
        var announcements = offices.Take(14).Select(o => new Announcement(o.Office, o.Slots.Select(Observe(o.Office)).ToList(), null))
            .Concat(offices.Skip(14).Select(o => new Announcement(o.Office, o.Slots.Select(Observe(o.Office)).ToList(), opens)))
            .ToList();

        var posts = fanOut.Build("MI", announcements, [], "p", T0, T0);

        // One post left, two kinds: one post per kind, and no post with more offices than fit.
        Assert.Equal(14 + 6, posts.Sum(p => p.Offices!.Count));
        Assert.All(posts.Where(p => p.Kind == OutgoingKind.Scheduled), p => Assert.Equal(opens, p.BookableAt));
        Assert.Equal(6, Assert.Single(posts, p => p.Kind == OutgoingKind.Scheduled).Offices!.Count);
        Assert.Equal(3, posts.Count(p => p.Kind == OutgoingKind.New)); // 14 offices, at most 6 per post
        foreach (var post in posts)
        {
            var text = AvailabilityFormatter.Render(post.ToNotification()).Text;
            Assert.True(text.Length <= AvailabilityFormatter.MaxMessageLength, $"{text.Length} characters");
            Assert.DoesNotContain("more offices", text);
            Assert.All(post.Offices!, o => Assert.Contains(AvailabilityFormatter.Html(o.Office.DisplayName), text));
        }
    }

    private static TelegramChannels Channels() => new(new TelegramOptions
    {
        Channels = new(StringComparer.OrdinalIgnoreCase) { ["MI"] = "@passaporti_nord", ["BG"] = "@Passaporti_Nord" },
        ChannelLanguage = "en",
    });

    private static Func<NotifiedSlot, SlotObservation> Observe(Office office) =>
        s => new SlotObservation(new SlotKey(office.Id, s.Date, s.Time), s.Places);

    private static List<OfficeSlots> Offices(int count, string province, int firstId = 1, int slotsPerOffice = 2) =>
        Enumerable.Range(firstId, count).Select(id => new OfficeSlots(
                new Office(id, $"{province}PQ{id:D3}", $"Commissariato di Pubblica Sicurezza numero {id} della provincia", $"Via Lunga {id}, 20100", "CITTÀ", province, new TimeOnly(9, 0)),
                Enumerable.Range(0, slotsPerOffice).Select(i => new NotifiedSlot(new DateOnly(2026, 12, 1 + i % 28), new TimeOnly(8 + i % 10, 0), 1 + i)).ToList()))
            .ToList();

    private static List<Announcement> Announce(List<OfficeSlots> offices) =>
        offices.ConvertAll(o => new Announcement(o.Office, o.Slots.Select(Observe(o.Office)).ToList(), null));
}

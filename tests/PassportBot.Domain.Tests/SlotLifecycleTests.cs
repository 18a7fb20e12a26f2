using PassportBot.Domain;

namespace PassportBot.Domain.Tests;

public class SlotLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly SlotKey Key = new(40, new DateOnly(2026, 12, 19), new TimeOnly(17, 0));
    private readonly SlotLifecycle _life = new(TimeSpan.FromMinutes(10), missesToClose: 2);

    private static SlotObservation Seen(int places = 1) => new(Key, places);

    [Fact]
    public void A_new_slot_is_announced_once()
    {
        var first = _life.Offer(null, Seen(), "TO", T0);
        Assert.Equal(SlotTransition.Announce, first.Transition);
        Assert.Equal(T0, first.Record.AnnouncedAt);

        var again = _life.Offer(first.Record, Seen(), "TO", T0.AddMinutes(1));
        Assert.Equal(SlotTransition.None, again.Transition);
        Assert.Equal(T0.AddMinutes(1), again.Record.LastSeen);
        Assert.Equal(T0, again.Record.FirstSeen);
    }

    [Fact]
    public void Places_changes_are_recorded_with_the_maximum()
    {
        var r = _life.Offer(null, Seen(3), "TO", T0).Record;
        var fewer = _life.Observe(r, Seen(1), "TO", T0.AddMinutes(1));
        Assert.True(fewer.PlacesChanged);
        Assert.Equal(1, fewer.Record.Places);
        Assert.Equal(3, fewer.Record.MaxPlaces);
        Assert.Equal(SlotTransition.Updated, fewer.Transition);
    }

    [Fact]
    public void A_slot_seen_before_it_was_bookable_is_announced_when_offered()
    {
        var seen = _life.Observe(null, Seen(), "TO", T0);
        Assert.Null(seen.Record.AnnouncedAt);
        var offered = _life.Offer(seen.Record, Seen(), "TO", T0.AddMinutes(1));
        Assert.Equal(SlotTransition.Announce, offered.Transition);
        Assert.Equal(T0, offered.Record.FirstSeen);
    }

    [Fact]
    public void One_missed_poll_is_not_evidence_two_close_the_slot()
    {
        var r = _life.Offer(null, Seen(), "TO", T0).Record;
        var once = _life.Miss(r, T0.AddMinutes(1));
        Assert.Equal(SlotTransition.Missed, once.Transition);
        Assert.True(once.Record.IsOpen);

        var twice = _life.Miss(once.Record, T0.AddMinutes(2));
        Assert.Equal(SlotTransition.Closed, twice.Transition);
        Assert.Equal(T0.AddMinutes(2), twice.Record.GoneAt);
        Assert.Equal(0, twice.Record.Places);
    }

    [Fact]
    public void Being_seen_again_resets_the_missed_count()
    {
        var r = _life.Offer(null, Seen(), "TO", T0).Record;
        var missed = _life.Miss(r, T0.AddMinutes(1)).Record;
        var back = _life.Observe(missed, Seen(), "TO", T0.AddMinutes(2)).Record;
        Assert.Equal(0, back.MissedPolls);
        Assert.Equal(SlotTransition.Missed, _life.Miss(back, T0.AddMinutes(3)).Transition);
    }

    [Fact]
    public void A_flicker_within_the_grace_window_is_not_announced_again()
    {
        var r = _life.Offer(null, Seen(), "TO", T0).Record;
        r = _life.Miss(_life.Miss(r, T0.AddMinutes(1)).Record, T0.AddMinutes(2)).Record;
        var back = _life.Offer(r, Seen(), "TO", T0.AddMinutes(2 + 9));
        Assert.Equal(SlotTransition.Revived, back.Transition);
        Assert.True(back.Record.IsOpen);
        Assert.Equal(T0, back.Record.AnnouncedAt);
    }

    [Fact]
    public void A_slot_back_after_the_grace_window_is_a_cancellation_and_announced_again()
    {
        var r = _life.Offer(null, Seen(2), "TO", T0).Record;
        r = _life.Miss(_life.Miss(r, T0.AddMinutes(1)).Record, T0.AddMinutes(2)).Record;
        var later = T0.AddMinutes(2 + 11);
        var back = _life.Offer(r, Seen(1), "TO", later);
        Assert.Equal(SlotTransition.Announce, back.Transition);
        Assert.Equal(later, back.Record.FirstSeen);
        Assert.Equal(later, back.Record.AnnouncedAt);
        Assert.Equal(1, back.Record.MaxPlaces);
    }

    [Fact]
    public void A_cancellation_first_seen_by_set_inactive_is_announced_by_the_next_offer()
    {
        var r = _life.Offer(null, Seen(), "TO", T0).Record;
        r = _life.Miss(_life.Miss(r, T0.AddMinutes(1)).Record, T0.AddMinutes(2)).Record;
        var observed = _life.Observe(r, Seen(), "TO", T0.AddMinutes(30));
        Assert.Null(observed.Record.AnnouncedAt);
        Assert.Equal(SlotTransition.Announce, _life.Offer(observed.Record, Seen(), "TO", T0.AddMinutes(30)).Transition);
    }

    [Fact]
    public void A_slot_whose_day_is_over_closes_at_the_first_miss()
    {
        var past = new SlotKey(40, new DateOnly(2026, 11, 25), new TimeOnly(9, 0));
        var r = _life.Offer(null, new SlotObservation(past, 1), "TO", T0.AddDays(-1)).Record;
        Assert.Equal(SlotTransition.Closed, _life.Miss(r, T0).Transition);
    }

    [Fact]
    public void Missing_a_closed_slot_changes_nothing()
    {
        var r = _life.Offer(null, Seen(), "TO", T0).Record;
        r = _life.Miss(_life.Miss(r, T0.AddMinutes(1)).Record, T0.AddMinutes(2)).Record;
        Assert.Equal(SlotTransition.None, _life.Miss(r, T0.AddMinutes(3)).Transition);
    }
}

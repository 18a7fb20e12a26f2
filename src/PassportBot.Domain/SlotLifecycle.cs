namespace PassportBot.Domain;

/// <summary>The stored life of one slot.</summary>
/// <param name="MissedPolls">Consecutive successful polls that covered this slot and did not see it.</param>
/// <param name="AnnouncedAt">When subscribers were last told about it (null: never in this life).</param>
/// <param name="GoneAt">When it was closed (null: open).</param>
public sealed record SlotRecord(
    SlotKey Key,
    string Province,
    int Places,
    int MaxPlaces,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    DateTimeOffset? AnnouncedAt,
    DateTimeOffset? GoneAt,
    int MissedPolls)
{
    public bool IsOpen => GoneAt is null;
}

/// <summary>What happened to a slot when a poll result was applied.</summary>
public enum SlotTransition
{
    None,
    /// <summary>First seen, or back after being gone longer than the grace window: tell subscribers.</summary>
    Announce,
    /// <summary>Back within the grace window: a flicker, reopened silently.</summary>
    Revived,
    /// <summary>Seen again: places and last-seen updated.</summary>
    Updated,
    /// <summary>Missed by a poll that covered it, still open (one miss is not evidence).</summary>
    Missed,
    /// <summary>Missed by the required number of consecutive polls (or in the past): closed.</summary>
    Closed,
}

public sealed record SlotOutcome(SlotRecord Record, SlotTransition Transition, bool PlacesChanged);

/// <summary>The rules of a slot's life, free of storage and transport.</summary>
public sealed class SlotLifecycle(TimeSpan graceWindow, int missesToClose = 2)
{
    public static readonly TimeSpan DefaultGraceWindow = TimeSpan.FromMinutes(10);

    public TimeSpan GraceWindow { get; } = graceWindow;
    public int MissesToClose { get; } = Math.Max(1, missesToClose);

    /// <summary>A slot offered for announcement (INSERT / INSERT SCHEDULED).</summary>
    public SlotOutcome Offer(SlotRecord? existing, SlotObservation seen, string province, DateTimeOffset now)
    {
        if (existing is null)
        {
            var created = new SlotRecord(seen.Key, province, seen.Places, seen.Places, now, now, now, null, 0);
            return new SlotOutcome(created, SlotTransition.Announce, true);
        }

        var placesChanged = existing.Places != seen.Places;
        var max = Math.Max(existing.MaxPlaces, seen.Places);

        if (existing.GoneAt is { } goneAt)
        {
            if (now - goneAt > GraceWindow)
            {
                // A cancellation: a new life of the same slot.
                var reborn = existing with { Places = seen.Places, MaxPlaces = seen.Places, FirstSeen = now, LastSeen = now, AnnouncedAt = now, GoneAt = null, MissedPolls = 0 };
                return new SlotOutcome(reborn, SlotTransition.Announce, true);
            }
            // Back within the grace window: a flicker. Announce only if this life was never announced.
            var announce = existing.AnnouncedAt is null;
            var revived = existing with { Places = seen.Places, MaxPlaces = max, LastSeen = now, GoneAt = null, MissedPolls = 0, AnnouncedAt = announce ? now : existing.AnnouncedAt };
            return new SlotOutcome(revived, announce ? SlotTransition.Announce : SlotTransition.Revived, placesChanged);
        }

        if (existing.AnnouncedAt is null)
        {
            // Seen before while not yet bookable: announce now that it is offered.
            var announced = existing with { Places = seen.Places, MaxPlaces = max, LastSeen = now, AnnouncedAt = now, MissedPolls = 0 };
            return new SlotOutcome(announced, SlotTransition.Announce, placesChanged);
        }

        var updated = existing with { Places = seen.Places, MaxPlaces = max, LastSeen = now, MissedPolls = 0 };
        return new SlotOutcome(updated, placesChanged ? SlotTransition.Updated : SlotTransition.None, placesChanged);
    }

    /// <summary>A slot seen by a complete poll (SET INACTIVE carries everything seen). Records it, never announces.</summary>
    public SlotOutcome Observe(SlotRecord? existing, SlotObservation seen, string province, DateTimeOffset now)
    {
        if (existing is null)
        {
            var created = new SlotRecord(seen.Key, province, seen.Places, seen.Places, now, now, null, null, 0);
            return new SlotOutcome(created, SlotTransition.Updated, true);
        }

        var placesChanged = existing.Places != seen.Places;
        if (existing.GoneAt is { } goneAt)
        {
            if (now - goneAt > GraceWindow)
            {
                // Back after the grace window but not (yet) offered for announcement: a new, unannounced life.
                var reborn = existing with { Places = seen.Places, MaxPlaces = seen.Places, FirstSeen = now, LastSeen = now, AnnouncedAt = null, GoneAt = null, MissedPolls = 0 };
                return new SlotOutcome(reborn, SlotTransition.Updated, true);
            }
            var revived = existing with { Places = seen.Places, MaxPlaces = Math.Max(existing.MaxPlaces, seen.Places), LastSeen = now, GoneAt = null, MissedPolls = 0 };
            return new SlotOutcome(revived, SlotTransition.Revived, placesChanged);
        }

        var updated = existing with { Places = seen.Places, MaxPlaces = Math.Max(existing.MaxPlaces, seen.Places), LastSeen = now, MissedPolls = 0 };
        return new SlotOutcome(updated, placesChanged ? SlotTransition.Updated : SlotTransition.None, placesChanged);
    }

    /// <summary>An open slot that a complete poll covered and did not see. Closed after
    /// <see cref="MissesToClose"/> consecutive misses, or at once when its day is over.</summary>
    public SlotOutcome Miss(SlotRecord existing, DateTimeOffset now)
    {
        if (existing.GoneAt is not null) return new SlotOutcome(existing, SlotTransition.None, false);
        var misses = existing.MissedPolls + 1;
        var today = DateOnly.FromDateTime(RomeTime.ToRome(now));
        if (misses >= MissesToClose || existing.Key.Date < today)
        {
            return new SlotOutcome(existing with { MissedPolls = misses, GoneAt = now, Places = 0 }, SlotTransition.Closed, existing.Places != 0);
        }
        return new SlotOutcome(existing with { MissedPolls = misses }, SlotTransition.Missed, false);
    }
}

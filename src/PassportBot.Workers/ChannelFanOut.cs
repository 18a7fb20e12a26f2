using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Pipeline;
using PassportBot.Messaging;
using PassportBot.Targets.Channels;

namespace PassportBot.Workers;

/// <summary>Posts for a province's Telegram channel: one per office per poll, as for subscribers but without their
/// filters, in the channel's language. When the poll has more offices than the channel's remaining budget for the
/// minute, offices are merged into fewer posts (same kind and opening time only) rather than delayed.</summary>
public sealed class ChannelFanOut(TelegramChannels channels, ChannelPostBudget budget)
{
    /// <summary>Offices one merged post carries at most, so that it stays well within Telegram's 4096 characters.</summary>
    public const int MaxOfficesPerPost = 6;

    public List<OutgoingMessage> Build(
        string province,
        IReadOnlyList<Announcement> announcements,
        IReadOnlyList<OfficeSlots> gone,
        string? pollId,
        DateTimeOffset polledAt,
        DateTimeOffset now)
    {
        if (channels.For(province) is not { } channel) return [];

        var groups = new List<(OutgoingKind Kind, DateTimeOffset? BookableAt, List<OfficeSlots> Offices)>();
        foreach (var group in announcements.GroupBy(a => a.BookableAt).OrderBy(g => g.Key ?? DateTimeOffset.MinValue))
        {
            var offices = group.Select(a => new OfficeSlots(a.Office, a.Slots.Select(NotifiedSlot.From).ToList()))
                .Where(o => o.Slots.Count > 0).ToList();
            if (offices.Count > 0) groups.Add((group.Key is null ? OutgoingKind.New : OutgoingKind.Scheduled, group.Key, offices));
        }
        if (channels.WantsGone(channel) && gone.Count > 0) groups.Add((OutgoingKind.Gone, null, gone.ToList()));
        if (groups.Count == 0) return [];

        var wanted = groups.Sum(g => g.Offices.Count);
        var remaining = budget.Remaining(channel.Address, channels.PostsPerMinute);
        var posts = wanted <= remaining
            ? groups.ConvertAll(g => g.Offices.Count)
            : Share(groups.ConvertAll(g => g.Offices.Count), remaining);

        var messages = new List<OutgoingMessage>();
        for (var i = 0; i < groups.Count; i++)
        {
            var (kind, bookableAt, offices) = groups[i];
            foreach (var chunk in Split(offices, posts[i]))
            {
                messages.Add(new OutgoingMessage(OutgoingMessage.NewId(), channel, kind)
                {
                    Language = channels.Language,
                    Province = province,
                    Offices = chunk,
                    BookableAt = bookableAt,
                    PollId = pollId,
                    CreatedAt = now,
                    PolledAt = polledAt,
                });
            }
        }
        budget.Spend(channel.Address, messages.Count);
        return messages;
    }

    /// <summary>Posts per group when they cannot all have one per office: at least one per group (different kinds
    /// are never merged), the rest of <paramref name="budget"/> in proportion to the groups' offices.</summary>
    internal static List<int> Share(List<int> offices, int budget)
    {
        var posts = offices.ConvertAll(_ => 1);
        var left = budget - posts.Count;
        while (left > 0)
        {
            // The group with the most offices per post gets the next one.
            var best = -1;
            for (var i = 0; i < offices.Count; i++)
            {
                if (posts[i] >= offices[i]) continue;
                if (best < 0 || (double)offices[i] / posts[i] > (double)offices[best] / posts[best]) best = i;
            }
            if (best < 0) break;
            posts[best]++;
            left--;
        }
        return posts;
    }

    /// <summary><paramref name="offices"/> in <paramref name="posts"/> chunks of near-equal size, in order, none larger
    /// than <see cref="MaxOfficesPerPost"/> (which may take more posts than planned: size wins over budget, and the
    /// dispatcher's limit then spaces them).</summary>
    internal static IEnumerable<List<OfficeSlots>> Split(List<OfficeSlots> offices, int posts)
    {
        var count = Math.Max(posts, (offices.Count + MaxOfficesPerPost - 1) / MaxOfficesPerPost);
        count = Math.Clamp(count, 1, Math.Max(1, offices.Count));
        var start = 0;
        for (var i = 0; i < count; i++)
        {
            var size = (offices.Count - start) / (count - i);
            yield return offices.GetRange(start, size);
            start += size;
        }
    }
}

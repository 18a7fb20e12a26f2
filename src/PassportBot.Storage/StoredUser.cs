using PassportBot.Domain;
using PassportBot.Domain.Filters;

namespace PassportBot.Storage;

/// <summary>Everything stored about one chat: what /privacy shows and what erasure removes.
/// <see cref="Filter"/> holds the user's own settings (no office restriction: that is per subscription).</summary>
public sealed record StoredUser(
    long ChatId,
    Language Language,
    bool Active,
    DateTimeOffset JoinedAt,
    SubscriberFilter Filter,
    IReadOnlyList<ProvinceSubscription> Subscriptions);

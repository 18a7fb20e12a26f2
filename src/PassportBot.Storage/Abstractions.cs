using PassportBot.Domain;
using PassportBot.Domain.Filters;

namespace PassportBot.Storage;

public sealed record Subscriber(long ChatId, Language Language);

/// <summary>Users and the provinces they follow. Province codes are agenda (Questura) codes, upper case.</summary>
public interface ISubscriptionStore
{
    /// <summary>Follows a province (creating or reactivating the user). True when it was not followed before.</summary>
    Task<bool> SubscribeAsync(long chatId, string province, Language? language, CancellationToken cancellationToken);

    /// <summary>True when the province was followed.</summary>
    Task<bool> UnsubscribeAsync(long chatId, string province, CancellationToken cancellationToken);

    /// <summary>Drops every province; returns how many were followed.</summary>
    Task<int> UnsubscribeAllAsync(long chatId, CancellationToken cancellationToken);

    Task<IReadOnlyList<string>> GetProvincesAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>Active chats following the province.</summary>
    Task<IReadOnlyList<Subscriber>> GetSubscribersAsync(string province, CancellationToken cancellationToken);

    /// <summary>Provinces with at least one active subscriber (what the poller polls).</summary>
    Task<IReadOnlyList<string>> GetFollowedProvincesAsync(CancellationToken cancellationToken);

    /// <summary>The user's language, or null for an unknown chat.</summary>
    Task<Language?> GetLanguageAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>Creates the user if needed.</summary>
    Task SetLanguageAsync(long chatId, Language language, CancellationToken cancellationToken);

    /// <summary>The chat blocked the bot or no longer exists: mark it inactive and drop its subscriptions.</summary>
    Task DeactivateChatAsync(long chatId, string reason, CancellationToken cancellationToken);

    /// <summary>Active chats following the province, each with the user's filters and the province's office restriction.</summary>
    Task<IReadOnlyList<FilteredSubscriber>> ListSubscribersAsync(string province, CancellationToken cancellationToken);

    /// <summary>The chat ids of <see cref="ListSubscribersAsync(string, CancellationToken)"/>, without their filters: cheap
    /// enough to order a whole fan-out before reading anyone's filters.</summary>
    Task<IReadOnlyList<long>> ListSubscriberChatIdsAsync(string province, CancellationToken cancellationToken);

    /// <summary>Those of <paramref name="chatIds"/> that are active subscribers of the province, with their filters (any
    /// order; a chat that left meanwhile is absent).</summary>
    Task<IReadOnlyList<FilteredSubscriber>> ListSubscribersAsync(string province, IReadOnlyCollection<long> chatIds, CancellationToken cancellationToken);

    /// <summary>One active subscriber of the province, or null when the chat does not follow it or is inactive.</summary>
    Task<FilteredSubscriber?> GetSubscriberAsync(long chatId, string province, CancellationToken cancellationToken);

    /// <summary>The user's own filters (no office restriction); <see cref="SubscriberFilter.None"/> for an unknown chat.</summary>
    Task<SubscriberFilter> GetUserFilterAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>Stores the user's own filters (every field but <see cref="SubscriberFilter.OfficeCodes"/>), creating the user if needed.</summary>
    Task SetUserFilterAsync(long chatId, SubscriberFilter filter, CancellationToken cancellationToken);

    /// <summary>The provinces the chat follows with their office restrictions, by province code.</summary>
    Task<IReadOnlyList<ProvinceSubscription>> GetSubscriptionsAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>Restricts a followed province to the given office codes (null or empty: every office).
    /// False when the chat does not follow the province.</summary>
    Task<bool> SetOfficesAsync(long chatId, string province, IReadOnlyCollection<string>? officeCodes, CancellationToken cancellationToken);

    /// <summary>Everything stored about the chat, or null when nothing is.</summary>
    Task<StoredUser?> GetStoredUserAsync(long chatId, CancellationToken cancellationToken);

    /// <summary>Deletes every row about the chat (user, filters, subscriptions). True when something was deleted.</summary>
    Task<bool> EraseUserAsync(long chatId, CancellationToken cancellationToken);
}

/// <summary>Slots, offices and the outbox. Writes happen inside a province unit of work.</summary>
public interface IAvailabilityStore
{
    /// <summary>Opens a transaction that holds the province's lock until it ends: two handlers (even in
    /// different processes) never apply updates of the same province at the same time.</summary>
    Task<IProvinceUnitOfWork> BeginAsync(string province, CancellationToken cancellationToken);

    /// <summary>Open slots of a province with their offices (for the subscribe summary).</summary>
    Task<IReadOnlyList<(Office Office, IReadOnlyList<SlotObservation> Slots)>> GetOpenSlotsAsync(string province, CancellationToken cancellationToken);
}

public interface IProvinceUnitOfWork : IAsyncDisposable
{
    string Province { get; }

    Task UpsertOfficesAsync(IReadOnlyCollection<Office> offices, CancellationToken cancellationToken);

    /// <summary>Every stored slot (open or gone) of these offices.</summary>
    Task<IReadOnlyDictionary<SlotKey, SlotRecord>> GetSlotsAsync(IReadOnlyCollection<int> officeIds, CancellationToken cancellationToken);

    /// <summary>Every open slot of the province.</summary>
    Task<IReadOnlyList<SlotRecord>> GetOpenSlotsAsync(CancellationToken cancellationToken);

    /// <summary>Stored offices with these ids (unknown ids are left out).</summary>
    Task<IReadOnlyList<Office>> GetOfficesAsync(IReadOnlyCollection<int> officeIds, CancellationToken cancellationToken);

    /// <summary>Inserts or updates slots; appends a places-history point for each outcome with PlacesChanged.</summary>
    Task SaveSlotsAsync(IReadOnlyCollection<SlotOutcome> outcomes, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Adds messages to the transactional outbox; they become visible to the relay on commit.</summary>
    Task EnqueueAsync(string queue, IReadOnlyCollection<string> payloads, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Adds a fan-out job (see <see cref="IFanOutJobStore"/>); it becomes visible to expanders on commit.</summary>
    Task AddFanOutJobAsync(string id, string payload, DateTimeOffset at, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}

public sealed record OutboxEntry(long Id, string Queue, string Payload, DateTimeOffset CreatedAt);

/// <summary>Messages written with a database change, published after commit by the outbox relay.</summary>
public interface IOutboxStore
{
    /// <summary>Claims up to <paramref name="max"/> entries, oldest first, for <paramref name="lease"/>: other
    /// relays do not see them until the lease expires (a crashed relay's entries come back).</summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Removes published entries.</summary>
    Task DeleteAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);
}

/// <summary>Where an expansion stopped: the last subscriber written, by its place in the job's order
/// (<paramref name="OrderKey"/>, then <paramref name="ChatId"/>).</summary>
public readonly record struct FanOutCursor(long OrderKey, long ChatId);

public sealed record FanOutJobEntry(string Id, string Province, string Payload, DateTimeOffset CreatedAt, FanOutCursor? Cursor);

/// <summary>Fan-out jobs: what a poll decided to tell a province's subscribers, committed with the poll and expanded
/// into outbox rows afterwards, chunk by chunk. An expander holds a job under a lease; a job whose expander died
/// is taken over when its lease expires and continues from its cursor.</summary>
public interface IFanOutJobStore
{
    /// <summary>Claims the oldest job that is free, whose lease expired or that <paramref name="owner"/> already
    /// holds; null when there is none.</summary>
    Task<FanOutJobEntry?> ClaimNextAsync(string owner, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>In one transaction: renews <paramref name="owner"/>'s lease, adds the chunk's messages to the outbox
    /// and moves the cursor to <paramref name="next"/>, or deletes the job when <paramref name="next"/> is null (the
    /// last chunk). False, with nothing written, when the job is no longer held by <paramref name="owner"/>.</summary>
    Task<bool> SaveChunkAsync(string id, string owner, TimeSpan lease, string queue, IReadOnlyCollection<string> payloads, FanOutCursor? next, CancellationToken cancellationToken);

    /// <summary>Gives a held job up so that any expander may continue it at once.</summary>
    Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken);

    Task<long> CountAsync(CancellationToken cancellationToken);
}

public enum SlotState
{
    Open,
    Gone,
    All,
}

public sealed record SlotView(
    int OfficeId, string OfficeCode, string OfficeName, string Address, string Province,
    DateOnly Date, TimeOnly Time, int Places, int MaxPlaces,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, DateTimeOffset? GoneAt);

public sealed record ProvinceStats(string Province, int OpenSlots, int Offices, int Subscribers, DateOnly? FirstOpenDate);

public sealed record PlacesPoint(DateTimeOffset At, int Places);

/// <summary>One slot's life with every change of its places, for the province timeline.</summary>
public sealed record SlotLife(SlotView Slot, IReadOnlyList<PlacesPoint> Places);

/// <summary>The raw facts of one slot the insights are computed from (in Rome time, by the caller).</summary>
public sealed record SlotFact(int OfficeId, string Province, DateTimeOffset FirstSeen, DateTimeOffset? AnnouncedAt, DateTimeOffset? GoneAt);

/// <summary>Read side for the status API and dashboard. Never exposes chat ids.</summary>
public interface IDashboardQueries
{
    /// <summary>Slots ordered by date and time; province null = all provinces.</summary>
    Task<IReadOnlyList<SlotView>> GetSlotsAsync(string? province, SlotState state, int limit, CancellationToken cancellationToken);

    /// <summary>One row per province that has offices, slots or subscribers.</summary>
    Task<IReadOnlyList<ProvinceStats>> GetProvinceStatsAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<PlacesPoint>> GetPlacesHistoryAsync(SlotKey key, CancellationToken cancellationToken);

    Task<IReadOnlyList<Office>> GetOfficesAsync(string? province, CancellationToken cancellationToken);

    /// <summary>Gone slots, the most recently gone first; province null = all provinces.</summary>
    Task<IReadOnlyList<SlotView>> GetRecentlyGoneAsync(string? province, int limit, CancellationToken cancellationToken);

    /// <summary>Slots of the province alive at some point since <paramref name="since"/> (open, or gone since
    /// then), the most recently first seen first, each with its places history.</summary>
    Task<IReadOnlyList<SlotLife>> GetTimelineAsync(string province, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>Slots first seen since <paramref name="since"/>; province null = all provinces.</summary>
    Task<IReadOnlyList<SlotFact>> GetSlotFactsAsync(string? province, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>When a poll of the province (null = any) was last applied: every applied poll rewrites its
    /// offices, so this is the newest office update. Null when none was ever applied.</summary>
    Task<DateTimeOffset?> GetLastPollAsync(string? province, CancellationToken cancellationToken);
}

/// <summary>Small key/value settings shared by all processes (e.g. agenda credentials pasted by the admin).</summary>
public interface ISettingsStore
{
    Task<(string Value, DateTimeOffset UpdatedAt)?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, string value, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Time-limited named leases (one poller per province across replicas).</summary>
public interface ILeaseStore
{
    /// <summary>Takes or renews the lease when it is free, expired or already ours.</summary>
    Task<bool> TryAcquireAsync(string name, string owner, TimeSpan ttl, CancellationToken cancellationToken);

    Task ReleaseAsync(string name, string owner, CancellationToken cancellationToken);
}

/// <summary>Creates or upgrades the schema (idempotent).</summary>
public interface IStorageMigrator
{
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Cheap connectivity check for /health.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary><c>Storage:Provider</c> = sqlite | mariadb | mysql | postgres.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string DefaultProvider = StorageProviders.Sqlite;

    /// <summary>A SQLite file in the data folder.</summary>
    public const string DefaultConnectionString = "Data Source=passportbot.db";

    public string Provider { get; set; } = DefaultProvider;
    public string ConnectionString { get; set; } = DefaultConnectionString;
    /// <summary>Apply migrations when the host starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    public const int DefaultRetentionDays = 365;
    public const int MaxRetentionDays = 36_500;
    public const int DefaultRetentionBatchSize = 1000;
    public const int MaxRetentionBatchSize = 100_000;

    /// <summary>Places history, and slots closed (whose day is past too), older than this many days are deleted
    /// once a day. 0 keeps everything.</summary>
    public int RetentionDays { get; set; } = DefaultRetentionDays;

    /// <summary>Rows deleted per statement while pruning, so no single transaction grows large.</summary>
    public int RetentionBatchSize { get; set; } = DefaultRetentionBatchSize;
}

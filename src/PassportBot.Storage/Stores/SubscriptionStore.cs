using System.Data;
using System.Data.Common;
using Dapper;
using PassportBot.Domain;
using PassportBot.Domain.Filters;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class SubscriptionStore : ISubscriptionStore
{
    private static readonly ColumnBinding[] UserColumns =
    [
        new("chat_id", DbType.Int64), new("language", DbType.String), new("active", DbType.Int32),
        new("deactivated_reason", DbType.String), new("created_at", DbType.Int64), new("updated_at", DbType.Int64),
    ];

    private readonly StorageDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly IRowInserter _activateKeepingLanguage;
    private readonly IRowInserter _activateWithLanguage;
    private readonly IRowInserter _setLanguage;
    private readonly IRowInserter _follow;
    private readonly IRowInserter _createUser;

    public SubscriptionStore(StorageDatabase database, TimeProvider timeProvider)
    {
        _database = database;
        _timeProvider = timeProvider;
        var dialect = database.Dialect;
        string[] key = ["chat_id"];
        _activateKeepingLanguage = dialect.CreateInserter("users", UserColumns, Conflict.Update(key, "active", "deactivated_reason", "updated_at"));
        _activateWithLanguage = dialect.CreateInserter("users", UserColumns, Conflict.Update(key, "language", "active", "deactivated_reason", "updated_at"));
        _setLanguage = dialect.CreateInserter("users", UserColumns, Conflict.Update(key, "language", "updated_at"));
        _createUser = dialect.CreateInserter("users", UserColumns, Conflict.Ignore(key));
        _follow = dialect.CreateInserter("subscriptions",
            [new("chat_id", DbType.Int64), new("province", DbType.String), new("created_at", DbType.Int64)],
            Conflict.Ignore("chat_id", "province"));
    }

    public Task<bool> SubscribeAsync(long chatId, string province, Language? language, CancellationToken cancellationToken)
    {
        var now = DbValues.ToUnixMs(_timeProvider.GetUtcNow());
        return _database.WriteAsync(async (connection, transaction) =>
        {
            // A new user gets the given language or Italian; an existing one keeps theirs unless one is given.
            var upsert = language is null ? _activateKeepingLanguage : _activateWithLanguage;
            object?[] user = [chatId, DbValues.ToDb(language ?? Language.Italian), 1, null, now, now];
            await upsert.ExecuteAsync(connection, transaction, [user], cancellationToken).ConfigureAwait(false);
            var added = await _follow.ExecuteAsync(connection, transaction, [[chatId, province, now]], cancellationToken).ConfigureAwait(false);
            return added > 0;
        }, cancellationToken);
    }

    public async Task<bool> UnsubscribeAsync(long chatId, string province, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM subscriptions WHERE chat_id = @chatId AND province = @province",
            new { chatId, province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<int> UnsubscribeAllAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        return await DeleteSubscriptionsAsync(connection, null, chatId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> GetProvincesAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var provinces = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT province FROM subscriptions WHERE chat_id = @chatId ORDER BY province",
            new { chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return provinces.AsList();
    }

    public async Task<IReadOnlyList<Subscriber>> GetSubscribersAsync(string province, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long ChatId, string Language)>(new CommandDefinition(
            """
            SELECT u.chat_id, u.language FROM subscriptions s
            JOIN users u ON u.chat_id = s.chat_id
            WHERE s.province = @province AND u.active = 1
            ORDER BY u.chat_id
            """,
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new Subscriber(r.ChatId, DbValues.ParseLanguage(r.Language))).ToList();
    }

    public async Task<IReadOnlyList<string>> GetFollowedProvincesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var provinces = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT DISTINCT s.province FROM subscriptions s
            JOIN users u ON u.chat_id = s.chat_id
            WHERE u.active = 1
            ORDER BY s.province
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return provinces.AsList();
    }

    public async Task<Language?> GetLanguageAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var code = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT language FROM users WHERE chat_id = @chatId", new { chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return code is null ? null : DbValues.ParseLanguage(code);
    }

    public async Task SetLanguageAsync(long chatId, Language language, CancellationToken cancellationToken)
    {
        var now = DbValues.ToUnixMs(_timeProvider.GetUtcNow());
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        object?[] user = [chatId, DbValues.ToDb(language), 1, null, now, now];
        await _setLanguage.ExecuteAsync(connection, null, [user], cancellationToken).ConfigureAwait(false);
    }

    public Task DeactivateChatAsync(long chatId, string reason, CancellationToken cancellationToken)
    {
        var now = DbValues.ToUnixMs(_timeProvider.GetUtcNow());
        return _database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE users SET active = 0, deactivated_reason = @reason, updated_at = @now WHERE chat_id = @chatId",
                new { chatId, reason, now }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return await DeleteSubscriptionsAsync(connection, transaction, chatId, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<FilteredSubscriber>> ListSubscribersAsync(string province, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SubscriberRow>(new CommandDefinition(
            $"""
            SELECT {SubscriberRow.Columns} FROM subscriptions s
            JOIN users u ON u.chat_id = s.chat_id
            WHERE s.province = @province AND u.active = 1
            ORDER BY u.chat_id
            """,
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToSubscriber()).ToList();
    }

    public async Task<IReadOnlyList<long>> ListSubscriberChatIdsAsync(string province, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var ids = await connection.QueryAsync<long>(new CommandDefinition(
            """
            SELECT s.chat_id FROM subscriptions s
            JOIN users u ON u.chat_id = s.chat_id
            WHERE s.province = @province AND u.active = 1
            """,
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return ids.AsList();
    }

    public async Task<IReadOnlyList<FilteredSubscriber>> ListSubscribersAsync(string province, IReadOnlyCollection<long> chatIds, CancellationToken cancellationToken)
    {
        if (chatIds.Count == 0) return [];
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<FilteredSubscriber>(chatIds.Count);
        // 1,000 ids per statement: below every provider's parameter limit.
        foreach (var chunk in chatIds.Distinct().Chunk(1_000))
        {
            var rows = await connection.QueryAsync<SubscriberRow>(new CommandDefinition(
                $"""
                SELECT {SubscriberRow.Columns} FROM subscriptions s
                JOIN users u ON u.chat_id = s.chat_id
                WHERE s.province = @province AND u.active = 1 AND {_database.Dialect.InList("s.chat_id", "@ids")}
                """,
                new { province, ids = chunk }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            result.AddRange(rows.Select(r => r.ToSubscriber()));
        }
        return result;
    }

    public async Task<FilteredSubscriber?> GetSubscriberAsync(long chatId, string province, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"""
            SELECT {SubscriberRow.Columns} FROM subscriptions s
            JOIN users u ON u.chat_id = s.chat_id
            WHERE s.province = @province AND s.chat_id = @chatId AND u.active = 1
            """,
            new { province, chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToSubscriber();
    }

    public async Task<SubscriberFilter> GetUserFilterAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {SubscriberRow.UserColumns}, NULL AS OfficeCodes FROM users u WHERE u.chat_id = @chatId",
            new { chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToFilter() ?? SubscriberFilter.None;
    }

    public async Task SetUserFilterAsync(long chatId, SubscriberFilter filter, CancellationToken cancellationToken)
    {
        var now = DbValues.ToUnixMs(_timeProvider.GetUtcNow());
        await _database.WriteAsync(async (connection, transaction) =>
        {
            // A user unknown so far (filters set before any other command) is created with the default language.
            object?[] user = [chatId, DbValues.ToDb(Language.Italian), 1, null, now, now];
            await _createUser.ExecuteAsync(connection, transaction, [user], cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE users SET filter_before = @before, filter_within_days = @within, filter_min_places = @minPlaces,
                    filter_days = @days, quiet_from = @quietFrom, quiet_to = @quietTo, notify_gone = @gone, updated_at = @now
                WHERE chat_id = @chatId
                """,
                new
                {
                    chatId, now,
                    before = filter.Before is { } b ? DbValues.ToDb(b) : null,
                    within = filter.WithinDays,
                    minPlaces = filter.MinPlaces,
                    days = filter.Days is null ? (int?)null : Weekdays.ToMask(filter.Days),
                    quietFrom = filter.Quiet?.FromHour,
                    quietTo = filter.Quiet?.ToHour,
                    gone = filter.NotifyGone ? 1 : 0,
                },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ProvinceSubscription>> GetSubscriptionsAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadSubscriptionsAsync(connection, chatId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> SetOfficesAsync(long chatId, string province, IReadOnlyCollection<string>? officeCodes, CancellationToken cancellationToken)
    {
        var codes = SubscriberFilter.None.WithOffices(officeCodes).OfficeCodes;
        await using var connection = await _database.OpenForWriteAsync(cancellationToken).ConfigureAwait(false);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE subscriptions SET office_codes = @codes WHERE chat_id = @chatId AND province = @province",
            new { chatId, province, codes = OfficeCodeList.ToDb(codes) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return updated > 0;
    }

    public async Task<StoredUser?> GetStoredUserAsync(long chatId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriberRow>(new CommandDefinition(
            $"SELECT {SubscriberRow.UserColumns}, NULL AS OfficeCodes, u.active AS Active, u.created_at AS CreatedAt FROM users u WHERE u.chat_id = @chatId",
            new { chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null) return null;
        var subscriptions = await ReadSubscriptionsAsync(connection, chatId, cancellationToken).ConfigureAwait(false);
        return new StoredUser(chatId, DbValues.ParseLanguage(row.Language), row.Active == 1, DbValues.FromUnixMs(row.CreatedAt), row.ToFilter(), subscriptions);
    }

    public Task<bool> EraseUserAsync(long chatId, CancellationToken cancellationToken) =>
        _database.WriteAsync(async (connection, transaction) =>
        {
            var subscriptions = await DeleteSubscriptionsAsync(connection, transaction, chatId, cancellationToken).ConfigureAwait(false);
            var users = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM users WHERE chat_id = @chatId", new { chatId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return subscriptions + users > 0;
        }, cancellationToken);

    private static async Task<IReadOnlyList<ProvinceSubscription>> ReadSubscriptionsAsync(DbConnection connection, long chatId, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<(string Province, string? OfficeCodes, long CreatedAt)>(new CommandDefinition(
            "SELECT province, office_codes, created_at FROM subscriptions WHERE chat_id = @chatId ORDER BY province",
            new { chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new ProvinceSubscription(r.Province, OfficeCodeList.FromDb(r.OfficeCodes), DbValues.FromUnixMs(r.CreatedAt))).ToList();
    }

    private static Task<int> DeleteSubscriptionsAsync(DbConnection connection, DbTransaction? transaction, long chatId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM subscriptions WHERE chat_id = @chatId", new { chatId }, transaction, cancellationToken: cancellationToken));
}

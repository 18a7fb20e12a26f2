using Dapper;
using PassportBot.Domain;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

internal sealed class DashboardQueries(StorageDatabase database) : IDashboardQueries
{
    public async Task<IReadOnlyList<SlotView>> GetSlotsAsync(string? province, SlotState state, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var stateFilter = state switch
        {
            SlotState.Open => " AND s.gone_at IS NULL",
            SlotState.Gone => " AND s.gone_at IS NOT NULL",
            SlotState.All => "",
            _ => throw new ArgumentOutOfRangeException(nameof(state)),
        };
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SlotRow, SlotOfficeRow, (SlotRow Slot, SlotOfficeRow Office)>(new CommandDefinition(
            $"""
            SELECT {SlotRow.Columns}, {OfficeColumns}
            FROM slots s LEFT JOIN offices o ON o.id = s.office_id
            WHERE (@province IS NULL OR s.province = @province){stateFilter}
            ORDER BY s.date, s.time, s.office_id
            LIMIT @limit
            """,
            new { province, limit }, cancellationToken: cancellationToken),
            (slot, office) => (slot, office), splitOn: "Code").ConfigureAwait(false);

        return rows.Select(r => ToView(r.Slot, r.Office)).ToList();
    }

    public async Task<IReadOnlyList<SlotView>> GetRecentlyGoneAsync(string? province, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SlotRow, SlotOfficeRow, (SlotRow Slot, SlotOfficeRow Office)>(new CommandDefinition(
            $"""
            SELECT {SlotRow.Columns}, {OfficeColumns}
            FROM slots s LEFT JOIN offices o ON o.id = s.office_id
            WHERE s.gone_at IS NOT NULL AND (@province IS NULL OR s.province = @province)
            ORDER BY s.gone_at DESC, s.date, s.time, s.office_id
            LIMIT @limit
            """,
            new { province, limit }, cancellationToken: cancellationToken),
            (slot, office) => (slot, office), splitOn: "Code").ConfigureAwait(false);
        return rows.Select(r => ToView(r.Slot, r.Office)).ToList();
    }

    public async Task<IReadOnlyList<SlotLife>> GetTimelineAsync(string province, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(province);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var from = DbValues.ToUnixMs(since);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var slots = (await connection.QueryAsync<SlotRow, SlotOfficeRow, (SlotRow Slot, SlotOfficeRow Office)>(new CommandDefinition(
            $"""
            SELECT {SlotRow.Columns}, {OfficeColumns}
            FROM slots s LEFT JOIN offices o ON o.id = s.office_id
            WHERE s.province = @province AND (s.gone_at IS NULL OR s.gone_at >= @from)
            ORDER BY s.first_seen DESC, s.date, s.time, s.office_id
            LIMIT @limit
            """,
            new { province, from, limit }, cancellationToken: cancellationToken),
            (slot, office) => (slot, office), splitOn: "Code").ConfigureAwait(false)).ToList();
        if (slots.Count == 0) return [];

        // One read for every slot's history: the same province filter, then kept for the slots listed above.
        // Points before the current life began belong to an earlier life of the same slot and are left out.
        var points = await connection.QueryAsync<(long OfficeId, string Date, string Time, long At, long Places)>(new CommandDefinition(
            """
            SELECT p.office_id, p.date, p.time, p.at, p.places
            FROM slot_places p JOIN slots s ON s.office_id = p.office_id AND s.date = p.date AND s.time = p.time
            WHERE s.province = @province AND (s.gone_at IS NULL OR s.gone_at >= @from) AND p.at >= s.first_seen
            ORDER BY p.at
            """,
            new { province, from }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var byKey = points
            .GroupBy(p => new SlotKey((int)p.OfficeId, DbValues.ParseDate(p.Date), DbValues.ParseTime(p.Time)))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<PlacesPoint>)g.Select(p => new PlacesPoint(DbValues.FromUnixMs(p.At), (int)p.Places)).ToList());

        return slots.Select(r => new SlotLife(ToView(r.Slot, r.Office), byKey.GetValueOrDefault(r.Slot.Key) ?? [])).ToList();
    }

    public async Task<IReadOnlyList<SlotFact>> GetSlotFactsAsync(string? province, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long OfficeId, string Province, long FirstSeen, long? AnnouncedAt, long? GoneAt)>(new CommandDefinition(
            """
            SELECT s.office_id, s.province, s.first_seen, s.announced_at, s.gone_at
            FROM slots s
            WHERE s.first_seen >= @from AND (@province IS NULL OR s.province = @province)
            """,
            new { province, from = DbValues.ToUnixMs(since) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new SlotFact((int)r.OfficeId, r.Province, DbValues.FromUnixMs(r.FirstSeen),
            DbValues.FromUnixMs(r.AnnouncedAt), DbValues.FromUnixMs(r.GoneAt))).ToList();
    }

    public async Task<DateTimeOffset?> GetLastPollAsync(string? province, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var last = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(o.updated_at) FROM offices o WHERE @province IS NULL OR o.province = @province",
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return DbValues.FromUnixMs(last);
    }

    // LEFT JOIN: a slot whose office row is missing is still shown rather than silently dropped.
    private const string OfficeColumns = "COALESCE(o.code, '') AS Code, COALESCE(o.name, '') AS Name, COALESCE(o.address, '') AS Address";

    private static SlotView ToView(SlotRow slot, SlotOfficeRow office)
    {
        var record = slot.ToRecord();
        return new SlotView(record.Key.OfficeId, office.Code, office.Name, office.Address, record.Province,
            record.Key.Date, record.Key.Time, record.Places, record.MaxPlaces, record.FirstSeen, record.LastSeen, record.GoneAt);
    }

    public async Task<IReadOnlyList<ProvinceStats>> GetProvinceStatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<StatsRow>(new CommandDefinition(
            """
            SELECT p.province AS Province,
              (SELECT COUNT(*) FROM slots s WHERE s.province = p.province AND s.gone_at IS NULL) AS OpenSlots,
              (SELECT COUNT(*) FROM offices o WHERE o.province = p.province) AS Offices,
              (SELECT COUNT(*) FROM subscriptions su JOIN users u ON u.chat_id = su.chat_id
                 WHERE su.province = p.province AND u.active = 1) AS Subscribers,
              (SELECT MIN(s.date) FROM slots s WHERE s.province = p.province AND s.gone_at IS NULL) AS FirstOpenDate
            FROM (SELECT province FROM offices UNION SELECT province FROM slots UNION SELECT province FROM subscriptions) p
            ORDER BY p.province
            """,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new ProvinceStats(r.Province, (int)r.OpenSlots, (int)r.Offices, (int)r.Subscribers,
            r.FirstOpenDate is null ? null : DbValues.ParseDate(r.FirstOpenDate))).ToList();
    }

    public async Task<IReadOnlyList<PlacesPoint>> GetPlacesHistoryAsync(SlotKey key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(long At, long Places)>(new CommandDefinition(
            "SELECT at, places FROM slot_places WHERE office_id = @officeId AND date = @date AND time = @time ORDER BY at",
            new { officeId = key.OfficeId, date = DbValues.ToDb(key.Date), time = DbValues.ToDb(key.Time) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => new PlacesPoint(DbValues.FromUnixMs(r.At), (int)r.Places)).ToList();
    }

    public async Task<IReadOnlyList<Office>> GetOfficesAsync(string? province, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OfficeRow>(new CommandDefinition(
            $"SELECT {OfficeRow.Columns} FROM offices o WHERE (@province IS NULL OR o.province = @province) ORDER BY o.province, o.id",
            new { province }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToOffice()).ToList();
    }

    private sealed class SlotOfficeRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string Address { get; set; } = "";
    }

    private sealed class StatsRow
    {
        public string Province { get; set; } = "";
        public long OpenSlots { get; set; }
        public long Offices { get; set; }
        public long Subscribers { get; set; }
        public string? FirstOpenDate { get; set; }
    }
}

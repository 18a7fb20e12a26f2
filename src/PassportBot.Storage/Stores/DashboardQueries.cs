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
        // LEFT JOIN: a slot whose office row is missing is still shown rather than silently dropped.
        var rows = await connection.QueryAsync<SlotRow, SlotOfficeRow, (SlotRow Slot, SlotOfficeRow Office)>(new CommandDefinition(
            $"""
            SELECT {SlotRow.Columns}, COALESCE(o.code, '') AS Code, COALESCE(o.name, '') AS Name, COALESCE(o.address, '') AS Address
            FROM slots s LEFT JOIN offices o ON o.id = s.office_id
            WHERE (@province IS NULL OR s.province = @province){stateFilter}
            ORDER BY s.date, s.time, s.office_id
            LIMIT @limit
            """,
            new { province, limit }, cancellationToken: cancellationToken),
            (slot, office) => (slot, office), splitOn: "Code").ConfigureAwait(false);

        return rows.Select(r =>
        {
            var record = r.Slot.ToRecord();
            return new SlotView(record.Key.OfficeId, r.Office.Code, r.Office.Name, r.Office.Address, record.Province,
                record.Key.Date, record.Key.Time, record.Places, record.MaxPlaces, record.FirstSeen, record.LastSeen, record.GoneAt);
        }).ToList();
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

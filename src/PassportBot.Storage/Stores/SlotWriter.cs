using System.Data;
using System.Data.Common;
using Dapper;
using PassportBot.Domain;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

/// <summary>The SQL of the province unit of work, prepared once per provider.</summary>
internal sealed class SlotWriter
{
    private static readonly string[] SlotKeyColumns = ["office_id", "date", "time"];

    private readonly IRowInserter _offices;
    private readonly IRowInserter _slots;
    private readonly IRowInserter _places;
    private readonly IRowInserter _outbox;
    private readonly IRowInserter _provinceLock;
    private readonly IRowInserter _fanOutJobs;

    public SlotWriter(SqlDialect dialect)
    {
        _offices = dialect.CreateInserter("offices",
            [
                new("id", DbType.Int32), new("code", DbType.String), new("name", DbType.String), new("address", DbType.String),
                new("city", DbType.String), new("province", DbType.String), new("bookable_from", DbType.String),
                new("latitude", DbType.Double), new("longitude", DbType.Double), new("updated_at", DbType.Int64),
            ],
            Conflict.Update(["id"], "code", "name", "address", "city", "province", "bookable_from", "latitude", "longitude", "updated_at"));
        _slots = dialect.CreateInserter("slots",
            [
                new("office_id", DbType.Int32), new("date", DbType.String), new("time", DbType.String), new("province", DbType.String),
                new("places", DbType.Int32), new("max_places", DbType.Int32), new("first_seen", DbType.Int64), new("last_seen", DbType.Int64),
                new("announced_at", DbType.Int64), new("gone_at", DbType.Int64), new("missed_polls", DbType.Int32),
            ],
            Conflict.Update(SlotKeyColumns, "province", "places", "max_places", "first_seen", "last_seen", "announced_at", "gone_at", "missed_polls"));
        _places = dialect.CreateInserter("slot_places",
            [new("office_id", DbType.Int32), new("date", DbType.String), new("time", DbType.String), new("at", DbType.Int64), new("places", DbType.Int32)],
            Conflict.Fail);
        _outbox = dialect.CreateInserter("outbox",
            [new("queue", DbType.String), new("payload", DbType.String), new("created_at", DbType.Int64)],
            Conflict.Fail);
        _provinceLock = dialect.CreateInserter("province_locks", [new("province", DbType.String)], Conflict.Ignore("province"));
        _fanOutJobs = dialect.CreateInserter("fanout_jobs",
            [new("id", DbType.String), new("province", DbType.String), new("payload", DbType.String), new("created_at", DbType.Int64)],
            Conflict.Fail);
    }

    public Task AddFanOutJobAsync(DbConnection connection, DbTransaction transaction, string id, string province, string payload, long at, CancellationToken cancellationToken) =>
        _fanOutJobs.ExecuteAsync(connection, transaction, [[id, province, payload, at]], cancellationToken);

    public Task EnsureProvinceLockRowAsync(DbConnection connection, string province, CancellationToken cancellationToken) =>
        _provinceLock.ExecuteAsync(connection, null, [[province]], cancellationToken);

    public static Task LockProvinceRowAsync(DbConnection connection, DbTransaction transaction, string province, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT province FROM province_locks WHERE province = @province FOR UPDATE",
            new { province }, transaction, cancellationToken: cancellationToken));

    public Task UpsertOfficesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<Office> offices, long now, CancellationToken cancellationToken)
    {
        var rows = offices.DistinctBy(o => o.Id)
            .Select(o => new object?[] { o.Id, o.Code, o.Name, o.Address, o.City, o.Province, DbValues.ToDb(o.BookableFrom), o.Latitude, o.Longitude, now })
            .ToList();
        return rows.Count == 0 ? Task.CompletedTask : _offices.ExecuteAsync(connection, transaction, rows, cancellationToken);
    }

    public async Task SaveSlotsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyCollection<SlotOutcome> outcomes, long at, CancellationToken cancellationToken)
    {
        // One statement may not touch a key twice (PostgreSQL refuses): the last outcome of a key wins.
        var latest = outcomes.GroupBy(o => o.Record.Key).Select(g => g.Last()).ToList();
        var slotRows = latest.Select(o => o.Record).Select(r => new object?[]
        {
            r.Key.OfficeId, DbValues.ToDb(r.Key.Date), DbValues.ToDb(r.Key.Time), r.Province, r.Places, r.MaxPlaces,
            DbValues.ToUnixMs(r.FirstSeen), DbValues.ToUnixMs(r.LastSeen), DbValues.ToUnixMs(r.AnnouncedAt), DbValues.ToUnixMs(r.GoneAt), r.MissedPolls,
        }).ToList();
        if (slotRows.Count > 0) await _slots.ExecuteAsync(connection, transaction, slotRows, cancellationToken).ConfigureAwait(false);

        var placeRows = latest.Where(o => o.PlacesChanged).Select(o => o.Record).Select(r => new object?[]
        {
            r.Key.OfficeId, DbValues.ToDb(r.Key.Date), DbValues.ToDb(r.Key.Time), at, r.Places,
        }).ToList();
        if (placeRows.Count > 0) await _places.ExecuteAsync(connection, transaction, placeRows, cancellationToken).ConfigureAwait(false);
    }

    public Task EnqueueAsync(DbConnection connection, DbTransaction transaction, string queue, IReadOnlyCollection<string> payloads, long at, CancellationToken cancellationToken)
    {
        var rows = payloads.Select(p => new object?[] { queue, p, at }).ToList();
        return rows.Count == 0 ? Task.CompletedTask : _outbox.ExecuteAsync(connection, transaction, rows, cancellationToken);
    }
}

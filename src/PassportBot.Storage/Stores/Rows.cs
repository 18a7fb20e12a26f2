using PassportBot.Domain;
using PassportBot.Storage.Sql;

namespace PassportBot.Storage.Stores;

// Dapper targets: wide numeric types and text, so every provider's column types map without surprises;
// conversion to domain types happens here only.

internal sealed class SlotRow
{
    public const string Columns =
        "s.office_id AS OfficeId, s.date AS Date, s.time AS Time, s.province AS Province, s.places AS Places, " +
        "s.max_places AS MaxPlaces, s.first_seen AS FirstSeen, s.last_seen AS LastSeen, s.announced_at AS AnnouncedAt, " +
        "s.gone_at AS GoneAt, s.missed_polls AS MissedPolls";

    public long OfficeId { get; set; }
    public string Date { get; set; } = "";
    public string Time { get; set; } = "";
    public string Province { get; set; } = "";
    public long Places { get; set; }
    public long MaxPlaces { get; set; }
    public long FirstSeen { get; set; }
    public long LastSeen { get; set; }
    public long? AnnouncedAt { get; set; }
    public long? GoneAt { get; set; }
    public long MissedPolls { get; set; }

    public SlotKey Key => new((int)OfficeId, DbValues.ParseDate(Date), DbValues.ParseTime(Time));

    public SlotRecord ToRecord() => new(Key, Province, (int)Places, (int)MaxPlaces,
        DbValues.FromUnixMs(FirstSeen), DbValues.FromUnixMs(LastSeen), DbValues.FromUnixMs(AnnouncedAt), DbValues.FromUnixMs(GoneAt), (int)MissedPolls);
}

internal sealed class OfficeRow
{
    public const string Columns =
        "o.id AS Id, o.code AS Code, o.name AS Name, o.address AS Address, o.city AS City, o.province AS Province, " +
        "o.bookable_from AS BookableFrom, o.latitude AS Latitude, o.longitude AS Longitude";

    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public string Address { get; set; } = "";
    public string City { get; set; } = "";
    public string Province { get; set; } = "";
    public string BookableFrom { get; set; } = "";
    public double? Latitude { get; set; }
    public double? Longitude { get; set; }

    public Office ToOffice() => new((int)Id, Code, Name, Address, City, Province, DbValues.ParseTime(BookableFrom))
    {
        Latitude = Latitude,
        Longitude = Longitude,
    };
}

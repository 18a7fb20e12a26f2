using PassportBot.Domain;
using PassportBot.Domain.Filters;
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

internal sealed class SubscriberRow
{
    public const string UserColumns =
        "u.chat_id AS ChatId, u.language AS Language, u.filter_before AS FilterBefore, u.filter_within_days AS FilterWithinDays, " +
        "u.filter_min_places AS FilterMinPlaces, u.filter_days AS FilterDays, u.quiet_from AS QuietFrom, u.quiet_to AS QuietTo, " +
        "u.notify_gone AS NotifyGone";

    public const string Columns = UserColumns + ", s.office_codes AS OfficeCodes";

    public long ChatId { get; set; }
    public string Language { get; set; } = "";
    public string? FilterBefore { get; set; }
    public long? FilterWithinDays { get; set; }
    public long? FilterMinPlaces { get; set; }
    public long? FilterDays { get; set; }
    public long? QuietFrom { get; set; }
    public long? QuietTo { get; set; }
    public long NotifyGone { get; set; }
    public string? OfficeCodes { get; set; }
    public long Active { get; set; }
    public long CreatedAt { get; set; }

    public FilteredSubscriber ToSubscriber() => new(ChatId, DbValues.ParseLanguage(Language), ToFilter());

    /// <summary>Values the domain would refuse (edited by hand, say) read as "no restriction", never as an error:
    /// a subscriber keeps getting messages rather than breaking the fan-out.</summary>
    public SubscriberFilter ToFilter() => new()
    {
        Before = FilterBefore is { } b && DateOnly.TryParseExact(b, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d) ? d : null,
        WithinDays = FilterWithinDays is > 0 and <= int.MaxValue ? (int)FilterWithinDays : null,
        MinPlaces = FilterMinPlaces is > 0 and <= int.MaxValue ? (int)FilterMinPlaces : null,
        Days = FilterDays is { } mask ? Weekdays.FromMask((int)(mask & Weekdays.AllMask)) : null,
        Quiet = QuietFrom is >= 0 and <= 23 && QuietTo is >= 0 and <= 23 && QuietFrom != QuietTo ? new QuietHours((int)QuietFrom, (int)QuietTo) : null,
        NotifyGone = NotifyGone != 0,
        OfficeCodes = OfficeCodeList.FromDb(OfficeCodes),
    };
}

/// <summary>Office restrictions are stored as "TOPC01,TOPQ60": sorted, upper case, comma-separated; null = all.</summary>
internal static class OfficeCodeList
{
    public static string? ToDb(IReadOnlySet<string>? codes) =>
        codes is { Count: > 0 } ? string.Join(',', codes.Order(StringComparer.Ordinal)) : null;

    public static IReadOnlySet<string>? FromDb(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : SubscriberFilter.None.WithOffices(value.Split(',')).OfficeCodes;
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using PassportBot.Domain;
using PassportBot.Storage;

namespace PassportBot.Web.Api;

// Dates, times and instants are formatted here rather than by converters so the wire format is explicit:
// "yyyy-MM-dd", "HH:mm" and UTC instants with a Z suffix, whatever the host's JSON settings.

public sealed record SlotDto(
    int OfficeId, string OfficeCode, string OfficeName, string Address, string Province,
    string Date, string Time, int Places, int MaxPlaces,
    string FirstSeen, string LastSeen, string? GoneAt)
{
    public static SlotDto From(SlotView s) => new(
        s.OfficeId, s.OfficeCode, s.OfficeName, s.Address, s.Province,
        ApiFormat.Date(s.Date), ApiFormat.Time(s.Time), s.Places, s.MaxPlaces,
        ApiFormat.Instant(s.FirstSeen), ApiFormat.Instant(s.LastSeen), s.GoneAt is { } g ? ApiFormat.Instant(g) : null);
}

/// <param name="AgendaCode">The code the agenda serves the province under (SU → CA); its numbers are that code's.</param>
public sealed record ProvinceDto(
    string Code, string Name, string Region, string AgendaCode,
    int OpenSlots, int Offices, int Subscribers, string? FirstOpenDate);

public sealed record OfficeDto(
    int Id, string Code, string Name, string Address, string City, string Province,
    string BookableFrom, double? Latitude, double? Longitude)
{
    public static OfficeDto From(Office o) => new(
        o.Id, o.Code, o.Name, o.Address, o.City, o.Province, ApiFormat.Time(o.BookableFrom), o.Latitude, o.Longitude);
}

public sealed record PlacesPointDto(string At, int Places);

public sealed record SlotHistoryDto(int OfficeId, string Date, string Time, IReadOnlyList<PlacesPointDto> Points);

/// <summary>One slot's life on the province timeline: from first seen to gone (or still open), with its places.</summary>
public sealed record TimelineSlotDto(SlotDto Slot, IReadOnlyList<PlacesPointDto> Places);

public sealed record TimelineDto(string Province, string From, string To, IReadOnlyList<TimelineSlotDto> Slots);

/// <param name="MedianLifetimeMinutes">Median minutes from first seen to gone of the slots gone so far; null when none is gone.</param>
public sealed record OfficeLifetimeDto(int OfficeId, string OfficeCode, string OfficeName, int NewSlots, int GoneSlots, double? MedianLifetimeMinutes);

/// <param name="Province">The agenda code asked for, or null for every province.</param>
/// <param name="Heatmap">New slots by Rome weekday (index 0 = Monday) and hour (0–23): <c>heatmap[weekday][hour]</c>.</param>
/// <param name="Announced">Slots first seen in the window that were announced.</param>
/// <param name="AnnouncedAhead">Of those, announced before their office's daily booking hour.</param>
public sealed record InsightsDto(
    string? Province, int Weeks, string From, string To, int NewSlots, int[][] Heatmap,
    IReadOnlyList<OfficeLifetimeDto> Offices, int Announced, int AnnouncedAhead);

/// <summary>How fresh the dashboard's data is.</summary>
/// <param name="LastPollAt">When the latest poll was applied to the database; null when none ever was.</param>
/// <param name="Stale">True when the shown data may be out of date (see <paramref name="Reason"/>).</param>
/// <param name="StaleSince">The last poll before the data went stale.</param>
/// <param name="Reason"><c>session-expired</c>, <c>no-credentials</c>, <c>no-recent-poll</c>, or null.</param>
/// <param name="Credentials">The agenda session as this process's poller sees it: <c>valid</c>, <c>expired</c>,
/// <c>missing</c>, or <c>unknown</c> when no poller runs in this process.</param>
public sealed record StatusDto(string? LastPollAt, bool Stale, string? StaleSince, string? Reason, string Credentials, string CheckedAt);

/// <summary>A server-sent event's data: a slot that appeared (<c>new</c>), changed its places (<c>changed</c>) or ran out (<c>gone</c>).</summary>
public sealed record LiveSlotEventDto(string Kind, SlotDto Slot);

internal static class ApiFormat
{
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Instant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<SlotDto>))]
[JsonSerializable(typeof(IReadOnlyList<ProvinceDto>))]
[JsonSerializable(typeof(IReadOnlyList<OfficeDto>))]
[JsonSerializable(typeof(SlotHistoryDto))]
[JsonSerializable(typeof(TimelineDto))]
[JsonSerializable(typeof(InsightsDto))]
[JsonSerializable(typeof(StatusDto))]
[JsonSerializable(typeof(LiveSlotEventDto))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

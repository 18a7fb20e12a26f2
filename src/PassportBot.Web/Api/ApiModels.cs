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
internal sealed partial class ApiJsonContext : JsonSerializerContext;

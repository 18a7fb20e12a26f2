using System.Globalization;
using PassportBot.Domain;

namespace PassportBot.Storage.Sql;

/// <summary>The one place where domain values become column values and back. Timestamps are stored as
/// BIGINT unix milliseconds UTC (portable and exact across the three providers), days as 'yyyy-MM-dd',
/// times of day as 'HH:mm' (sortable text).</summary>
internal static class DbValues
{
    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToUnixMs(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromUnixMs(long? value) => value is { } ms ? FromUnixMs(ms) : null;

    public static string ToDb(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string ToDb(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static DateOnly ParseDate(string value) => DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TimeOnly ParseTime(string value) => TimeOnly.ParseExact(value, "HH:mm", CultureInfo.InvariantCulture);

    public static string ToDb(Language language) => language.ToCode();

    public static Language ParseLanguage(string? value) => LanguageCodes.TryParse(value, out var language) ? language : Language.Italian;
}

using System.ComponentModel;
using System.Globalization;
using PassportBot.Watch.Cli;

namespace PassportBot.Cli;

/// <summary>Lets every <see cref="TimeSpan"/> setting be written as people type durations ("30s", "2m", "1h30m",
/// "500ms") as well as "00:00:30", the same forms <c>watch --interval</c> takes. A bare number means seconds.</summary>
public sealed class DurationConverter : TimeSpanConverter
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    /// <summary>Makes the configuration binder (which converts through <see cref="TypeDescriptor"/>) use this
    /// converter for TimeSpan in this process. Idempotent.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            TypeDescriptor.AddAttributes(typeof(TimeSpan), new TypeConverterAttribute(typeof(DurationConverter)));
            _registered = true;
        }
    }

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string text
            ? DurationParser.TryParse(text, out var duration)
                ? duration.Value
                : throw new FormatException($"'{text}' is not a duration (e.g. 30s, 2m, 1h30m, 500ms or 00:01:00).")
            : base.ConvertFrom(context, culture, value);
}

using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using PassportBot.Agenda;
using PassportBot.Agenda.Simulator.Hosting;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Storage;
using PassportBot.Targets;
using PassportBot.Telegram;
using PassportBot.Watch;
using PassportBot.Watch.Cli;
using PassportBot.Web;
using PassportBot.Workers;

namespace PassportBot.Cli;

/// <summary>Checks the configuration against the options types before anything is bound: a key under a known section
/// that no options type has is a typo, and a value that does not convert to its property's type is named with the form
/// it expects. Both become one line each instead of a silently ignored setting or the binder's stack trace.</summary>
public static class ConfigurationCheck
{
    /// <summary>Each section and the one options type bound to it. Sections not listed (Logging, …) are not checked.</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [AgendaOptions.Section] = typeof(AgendaOptions),
        [BusOptions.Section] = typeof(BusOptions),
        [DemoOptions.Section] = typeof(DemoOptions),
        [NotificationTargetsOptions.Section] = typeof(NotificationTargetsOptions),
        [ObservabilityOptions.Section] = typeof(ObservabilityOptions),
        [SimulatorOptions.Section] = typeof(SimulatorOptions),
        [StartupOptions.Section] = typeof(StartupOptions),
        [StorageOptions.Section] = typeof(StorageOptions),
        [TelegramOptions.Section] = typeof(TelegramOptions),
        [WatchOptions.Section] = typeof(WatchOptions),
        [WebOptions.Section] = typeof(WebOptions),
        [WorkersOptions.Section] = typeof(WorkersOptions),
    };

    /// <summary>Sections that exist but are free-form.</summary>
    private static readonly string[] OpenSections = ["Logging"];

    private const int MaxShownValue = 40;

    /// <summary>Every problem, one line each (empty when the configuration is fine).</summary>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        foreach (var section in configuration.GetChildren())
        {
            if (Sections.TryGetValue(section.Key, out var type))
                CheckObject(section, type, errors);
        }
        return errors;
    }

    /// <summary>Command-line tokens left over by the command parser must all be configuration keys of a known section
    /// (<c>--Section:Key=value</c> or <c>--Section:Key value</c>); anything else is a mistyped option.</summary>
    public static IReadOnlyList<string> CheckArguments(string command, IReadOnlyList<string> unmatched)
    {
        ArgumentNullException.ThrowIfNull(unmatched);
        var errors = new List<string>();
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                errors.Add($"Unexpected argument '{Shown(token)}' for '{command}'; see passportbot {command} --help.");
                continue;
            }
            var key = token[2..].Split('=', 2)[0];
            var section = key.Split(':', 2)[0];
            if (!key.Contains(':'))
                errors.Add($"Unknown option '{Shown(token.Split('=', 2)[0])}' for '{command}'; see passportbot {command} --help " +
                           "(configuration keys are given as --Section:Key=value, e.g. --Agenda:PollInterval=30s).");
            else if (!Sections.ContainsKey(section) && !OpenSections.Contains(section, StringComparer.OrdinalIgnoreCase))
                errors.Add($"Unknown configuration section '{Shown(section)}' in '{Shown(token.Split('=', 2)[0])}'; known sections: {string.Join(", ", Sections.Keys.Order(StringComparer.Ordinal))}.");
            // "--Key value": the next token is the value.
            if (!token.Contains('=') && i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith("--", StringComparison.Ordinal)) i++;
        }
        return errors;
    }

    private static void CheckObject(IConfigurationSection section, Type type, List<string> errors)
    {
        var properties = Bindable(type);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                errors.Add($"Unknown setting {child.Path}; {section.Path} has: {string.Join(", ", properties.Values.Select(p => p.Name).Order(StringComparer.Ordinal))}.");
                continue;
            }
            CheckValue(child, property.PropertyType, errors);
        }
    }

    private static void CheckValue(IConfigurationSection section, Type type, List<string> errors)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (DictionaryValueType(target) is { } valueType)
        {
            // Named entries (Notifications:Webhooks:<name>): any key, each checked as the value type.
            foreach (var item in section.GetChildren()) CheckValue(item, valueType, errors);
            return;
        }
        if (ElementType(target) is { } element)
        {
            // A JSON array becomes keys 0, 1, 2…; a single value is not a list.
            if (section.Value is { Length: > 0 } && !section.GetChildren().Any())
                errors.Add($"{section.Path} must be a list (in JSON an array; on the command line or in the environment {section.Path}:0, {section.Path}:1 …).");
            foreach (var item in section.GetChildren())
            {
                if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                    errors.Add($"Unknown setting {item.Path}; {section.Path} is a list (keys 0, 1, 2 …).");
                else CheckValue(item, element, errors);
            }
            return;
        }
        if (IsScalar(target))
        {
            if (section.GetChildren().Any())
            {
                errors.Add($"{section.Path} is a single value, not a section (found {section.GetChildren().First().Path}).");
                return;
            }
            // Null or empty leaves the default, as the binder does.
            if (string.IsNullOrEmpty(section.Value) || target == typeof(string)) return;
            if (!TryConvert(section.Value, target))
                errors.Add($"{section.Path}: '{Shown(section.Value)}' is not {ExpectedForm(target)}.");
            return;
        }
        CheckObject(section, target, errors);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(Uri) || type == typeof(Guid);

    private static Type? DictionaryValueType(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1]
            : null;

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type == typeof(string) || !type.IsGenericType || !typeof(IEnumerable).IsAssignableFrom(type)) return null;
        var arguments = type.GetGenericArguments();
        return arguments.Length == 1 ? arguments[0] : null;
    }

    private static Dictionary<string, PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod is { IsPublic: true })
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    internal static bool TryConvert(string value, Type type)
    {
        if (type == typeof(TimeSpan)) return DurationParser.TryParse(value, out _);
        if (type.IsEnum) return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!);
        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
                                      || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static string ExpectedForm(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration; use e.g. 30s, 2m, 1h30m, 500ms or 00:01:00",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number (with '.' for decimals)",
        _ when type == typeof(DateOnly) => "a date (yyyy-MM-dd)",
        _ when type.IsEnum => "one of: " + string.Join(", ", Enum.GetNames(type)),
        _ => "a valid " + type.Name,
    };

    private static string Shown(string value) => value.Length <= MaxShownValue ? value : value[..MaxShownValue] + "…";
}

using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PassportBot.Cli.Tests;

/// <summary>One configuration convention: every section has one options type with a <c>Section</c> constant, bound in
/// one place with <c>.Bind(configuration.GetSection(T.Section))</c>, checked by an <see cref="IValidateOptions{T}"/> at
/// start; nothing else in the code reads the configuration.</summary>
public sealed partial class ConfigurationConventionTests
{
    private static readonly string Src = Path.Combine(FindRepositoryRoot(), "src");

    /// <summary>The configuration reads that are not one of our sections: the logging filters, and OpenTelemetry's own
    /// collector variable.</summary>
    private static readonly string[] NotOurSections =
    [
        "builder.Logging.AddConfiguration(builder.Configuration.GetSection(\"Logging\"))",
        "configuration[ObservabilityOptions.OtlpEndpointVariable]",
    ];

    /// <summary>Every options type of the product: a public <c>const string Section</c>.</summary>
    private static readonly Type[] OptionsTypes = Directory.EnumerateFiles(AppContext.BaseDirectory, "PassportBot.*.dll")
        .Select(Path.GetFileNameWithoutExtension)
        .Where(name => !name!.EndsWith(".Tests", StringComparison.Ordinal) && !name.StartsWith("PassportBot.Testing", StringComparison.Ordinal))
        .Select(name => Assembly.Load(name!))
        .Append(typeof(CommandLine).Assembly)
        .Distinct()
        .SelectMany(a => a.GetTypes())
        .Where(t => SectionOf(t) is not null)
        .ToArray();

    [Fact]
    public void Every_section_has_exactly_one_options_type_and_the_cli_checks_its_keys()
    {
        Assert.NotEmpty(OptionsTypes);
        var bySection = OptionsTypes.GroupBy(t => SectionOf(t)!, StringComparer.OrdinalIgnoreCase).ToList();
        Assert.All(bySection, g => Assert.True(g.Count() == 1, $"Section {g.Key} has several options types: {string.Join(", ", g.Select(t => t.FullName))}."));
        Assert.Equal(
            bySection.Select(g => $"{g.Key}={g.Single().FullName}").Order(StringComparer.Ordinal),
            ConfigurationCheck.Sections.Select(kv => $"{kv.Key}={kv.Value.FullName}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_options_type_has_a_validator()
    {
        var validated = OptionsTypes.SelectMany(t => t.Assembly.GetTypes())
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(i => i.GetGenericArguments()[0])
            .ToHashSet();

        Assert.Empty(OptionsTypes.Where(t => !validated.Contains(t)).Select(t => t.FullName));
    }

    [Fact]
    public void Each_section_is_bound_in_one_place_and_nothing_else_reads_the_configuration()
    {
        var binds = new List<string>();
        var raw = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i];
                var at = $"{Path.GetRelativePath(Src, file)}:{i + 1}: {line.Trim()}";
                var text = NotOurSections.Aggregate(line, (l, allowed) => l.Replace(allowed, "", StringComparison.Ordinal));
                foreach (Match bind in BindPattern().Matches(text))
                {
                    binds.Add(bind.Groups["type"].Value);
                    text = text.Replace(bind.Value, "", StringComparison.Ordinal);
                }
                if (RawReadPattern().IsMatch(text)) raw.Add(at);
            }
        }

        Assert.Empty(raw);
        Assert.Equal(
            OptionsTypes.Select(t => t.Name).Order(StringComparer.Ordinal),
            binds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_source_scan_sees_a_raw_read_and_a_second_binding()
    {
        Assert.Matches(RawReadPattern(), "var p = configuration[\"Storage:Provider\"];");
        Assert.Matches(RawReadPattern(), "configuration.GetValue<bool?>(\"Observability:Tracing\")");
        Assert.Matches(RawReadPattern(), "configuration.GetSection(\"Telegram\").Get<TelegramOptions>()");
        Assert.Matches(RawReadPattern(), "services.AddOptions<AdminOptions>().Bind(configuration.GetSection(\"Telegram\"));");
        Assert.Single(BindPattern().Matches("services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.Section)).ValidateOnStart();"));
        // Bound under another type's section name: not the one binding of its own section.
        Assert.Empty(BindPattern().Matches("services.AddOptions<AdminOptions>().Bind(configuration.GetSection(TelegramOptions.Section));"));
    }

    private static string? SectionOf(Type type) =>
        type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.FieldType == typeof(string)
            ? (string?)field.GetRawConstantValue()
            : null;

    /// <summary><c>AddOptions&lt;T&gt;().Bind(&lt;configuration&gt;.GetSection(T.Section))</c>, the same T twice.</summary>
    [GeneratedRegex(@"AddOptions<(?<type>\w+)>\(\)\s*\.Bind\([\w.]*[Cc]onfiguration\.GetSection\(\k<type>\.Section\)\)")]
    private static partial Regex BindPattern();

    [GeneratedRegex(@"[Cc]onfiguration\[|GetSection\(|GetValue<|\.Get<|\.Bind\(")]
    private static partial Regex RawReadPattern();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PassportBot.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PassportBot.slnx) not found above " + AppContext.BaseDirectory);
    }
}

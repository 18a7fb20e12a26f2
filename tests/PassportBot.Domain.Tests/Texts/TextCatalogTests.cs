using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using PassportBot.Domain.Texts;

namespace PassportBot.Domain.Tests.Texts;

/// <summary>Both languages say everything: no text missing or empty, and the same placeholders and markup in
/// each, so a translation can never drop a value or break the HTML the bot sends.</summary>
public partial class TextCatalogTests
{
    public static TheoryData<string> Texts()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in Pairs()) data.Add(name);
        return data;
    }

    [Fact]
    public void There_is_one_catalogue_per_language()
    {
        Assert.Equal([Language.Italian, Language.English], TextCatalog.All.Select(c => c.Language));
        Assert.Same(TextCatalog.It, TextCatalog.For(Language.Italian));
        Assert.Same(TextCatalog.En, TextCatalog.For(Language.English));
    }

    [Fact]
    public void Every_section_has_texts()
    {
        var sections = SectionProperties().Select(p => p.Name).ToList();
        Assert.Contains("Bot", sections);
        Assert.Contains("Filters", sections);
        Assert.Contains("Notifications", sections);
        Assert.True(Pairs().Count() > 100, "the catalogue walk found too few texts");
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Both_languages_define_the_text_with_the_same_placeholders_and_markup(string name)
    {
        var (_, it, en) = Pairs().Single(p => p.Name == name);
        Assert.False(string.IsNullOrWhiteSpace(it), $"{name} is empty in Italian");
        Assert.False(string.IsNullOrWhiteSpace(en), $"{name} is empty in English");
        Assert.Equal(Placeholders(it!), Placeholders(en!));
        Assert.Equal(Tags(it!), Tags(en!));
        // A valid composite format: formatting with as many values as placeholders must not throw.
        var values = Enumerable.Range(0, Placeholders(it!).DefaultIfEmpty(-1).Max() + 1).Select(i => (object)i).ToArray();
        _ = string.Format(CultureInfo.InvariantCulture, it!, values);
        _ = string.Format(CultureInfo.InvariantCulture, en!, values);
    }

    [Fact]
    public void The_command_menus_list_the_same_commands()
    {
        Assert.Equal(TextCatalog.It.Bot.Commands.Select(c => c.Command), TextCatalog.En.Bot.Commands.Select(c => c.Command));
        Assert.All(TextCatalog.All.SelectMany(c => c.Bot.Commands), c => Assert.Matches("^[a-z]{1,32}$", c.Command));
    }

    [Fact]
    public void Day_names_are_seven_distinct_words_monday_first()
    {
        foreach (var catalog in TextCatalog.All)
        {
            Assert.Equal(7, catalog.Filters.DayNames.Distinct().Count());
            Assert.Equal(catalog.Filters.DayNames[0], catalog.Filters.DayName(DayOfWeek.Monday));
            Assert.Equal(catalog.Filters.DayNames[6], catalog.Filters.DayName(DayOfWeek.Sunday));
        }
    }

    /// <summary>Every text of every section, walked by reflection so a new text is checked without touching
    /// this test: strings, and lists of strings or records (by index).</summary>
    private static IEnumerable<(string Name, string? It, string? En)> Pairs()
    {
        foreach (var section in SectionProperties())
        {
            var it = section.GetValue(TextCatalog.It);
            var en = section.GetValue(TextCatalog.En);
            Assert.NotNull(it);
            Assert.NotNull(en);
            foreach (var pair in Walk(section.Name, it, en)) yield return pair;
        }
    }

    private static IEnumerable<PropertyInfo> SectionProperties() =>
        typeof(TextCatalog).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType.Namespace == typeof(TextCatalog).Namespace && p.PropertyType.IsClass);

    private static IEnumerable<(string, string?, string?)> Walk(string path, object? it, object? en)
    {
        switch (it)
        {
            case string s:
                yield return (path, s, en as string);
                break;
            case IList list:
                var other = Assert.IsAssignableFrom<IList>(en);
                Assert.True(list.Count == other.Count, $"{path} has {list.Count} items in Italian, {other.Count} in English");
                Assert.NotEmpty(list);
                for (var i = 0; i < list.Count; i++)
                    foreach (var pair in Walk($"{path}[{i}]", list[i], other[i])) yield return pair;
                break;
            case null:
                Assert.Fail($"{path} is missing in Italian");
                break;
            default:
                Assert.True(en is not null, $"{path} is missing in English");
                foreach (var p in it.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                             .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
                    foreach (var pair in Walk($"{path}.{p.Name}", p.GetValue(it), p.GetValue(en))) yield return pair;
                break;
        }
    }

    private static SortedSet<int> Placeholders(string text) =>
        new(PlaceholderPattern().Matches(text.Replace("{{", "", StringComparison.Ordinal).Replace("}}", "", StringComparison.Ordinal))
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));

    private static List<string> Tags(string text) =>
        TagPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\{(\d+)(?:,-?\d+)?(?::[^}]*)?\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"</?[a-z]+>")]
    private static partial Regex TagPattern();
}

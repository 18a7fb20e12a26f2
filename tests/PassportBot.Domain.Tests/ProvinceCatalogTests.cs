using PassportBot.Domain;

namespace PassportBot.Domain.Tests;

public class ProvinceCatalogTests
{
    [Fact]
    public void Has_107_provinces_in_20_regions_and_106_agenda_codes()
    {
        Assert.Equal(107, ProvinceCatalog.All.Count);
        Assert.Equal(20, ProvinceCatalog.Regions.Count);
        Assert.Equal(106, ProvinceCatalog.QuesturaCodes.Count);
        Assert.Equal(107, ProvinceCatalog.All.Select(p => p.Code).Distinct().Count());
    }

    [Theory]
    [InlineData("to", "TO")]
    [InlineData(" Mi ", "MI")]
    [InlineData("SU", "CA")]
    [InlineData("su", "CA")]
    [InlineData("CA", "CA")]
    public void Normalizes_codes_case_insensitively(string input, string expected)
    {
        Assert.True(ProvinceCatalog.TryNormalize(input, out var code));
        Assert.Equal(expected, code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("XX")]
    [InlineData("TOR")]
    [InlineData("T")]
    [InlineData("'; drop table users; --")]
    public void Rejects_unknown_or_malformed_codes(string? input)
    {
        Assert.False(ProvinceCatalog.TryNormalize(input, out _));
    }

    [Fact]
    public void Sud_Sardegna_is_served_by_Cagliari()
    {
        Assert.True(ProvinceCatalog.TryGet("SU", out var su));
        Assert.Equal("CA", su.QuesturaCode);
        Assert.Equal("Sardegna", su.Region);
        Assert.Equal("Cagliari", ProvinceCatalog.ForQuestura("CA")!.Name);
        Assert.Contains(ProvinceCatalog.InRegion("Sardegna"), p => p.Code == "SU");
    }
}

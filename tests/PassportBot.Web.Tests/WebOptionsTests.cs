using Microsoft.Extensions.Options;

namespace PassportBot.Web.Tests;

public sealed class WebOptionsTests
{
    [Fact]
    public void Defaults_listen_on_loopback_8080()
    {
        var options = new WebOptions();
        Assert.Equal("http://127.0.0.1:8080", options.Urls);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CacheDuration);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:21", null, "not an http(s) address")]
    [InlineData("", null, "at least one address")]
    [InlineData("http://127.0.0.1:8080", "00:05:00", "CacheDuration")]
    public async Task Bad_configuration_stops_the_host_with_a_clear_message(string urls, string? cache, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Web:Urls"] = urls };
        if (cache is not null) settings["Web:CacheDuration"] = cache;

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => TestWebApp.StartAsync(settings: settings));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_addresses_separated_by_semicolons()
    {
        await using var app = await TestWebApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Web:Urls"] = "http://127.0.0.1:0; http://127.0.0.1:0",
        });
        var (response, _) = await app.GetJsonAsync("/health");
        Assert.True(response.IsSuccessStatusCode);
    }
}

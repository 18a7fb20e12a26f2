using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using PassportBot.Domain;

namespace PassportBot.Web.Tests;

public sealed partial class DashboardTests : IAsyncLifetime
{
    private TestWebApp _app = null!;

    public async Task InitializeAsync() => _app = await TestWebApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task The_page_is_served_with_a_same_origin_only_policy_and_the_attribution()
    {
        var response = await _app.Client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains(
            "Province boundaries: © Openpolis, based on ISTAT administrative limits, CC BY 4.0, modified (converted/simplified)",
            html, StringComparison.Ordinal);
        Assert.Contains("/assets/app.js", html, StringComparison.Ordinal);
        Assert.Contains("/assets/app.css", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_asset_is_local_and_nothing_points_to_another_site()
    {
        var html = await _app.Client.GetStringAsync("/");
        var css = await _app.Client.GetStringAsync("/assets/app.css");
        var js = string.Join("\n", await Task.WhenAll(
            new[] { "common.js", "app.js", "province.js", "api-docs.js" }.Select(n => _app.Client.GetStringAsync("/assets/" + n))));

        var references = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(references);
        foreach (var url in references)
        {
            Assert.StartsWith("/", url, StringComparison.Ordinal);
            Assert.False(url.StartsWith("//", StringComparison.Ordinal), url);
            var asset = await _app.Client.GetAsync(url);
            Assert.True(asset.IsSuccessStatusCode, $"{url}: {(int)asset.StatusCode}");
        }

        // Same-origin fetches only: every literal path the script requests starts with "/" (or is a template of one).
        foreach (Match fetch in FetchCall().Matches(js)) Assert.StartsWith("/", fetch.Groups["url"].Value, StringComparison.Ordinal);
        Assert.Contains("/api/provinces", js, StringComparison.Ordinal);

        Assert.DoesNotMatch(AnyUrl(), html);
        Assert.DoesNotMatch(AnyUrl(), css);
        Assert.DoesNotContain("url(", css, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", css, StringComparison.Ordinal);
        // The only absolute URI in the script is the SVG namespace name, which browsers never fetch.
        Assert.Equal(["http://www.w3.org/2000/svg"], AnyUrl().Matches(js).Select(m => m.Value).Distinct());
    }

    [Fact]
    public async Task Assets_revalidate_with_etags_and_unknown_ones_are_404()
    {
        var first = await _app.Client.GetAsync("/assets/app.js");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("text/javascript", first.Content.Headers.ContentType?.MediaType);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/app.js");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        var second = await _app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/assets/nope.js")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.Client.GetAsync("/assets/..%2Fappsettings.json")).StatusCode);
    }

    [Fact]
    public async Task The_map_has_a_shape_for_every_province_code_and_carries_its_attribution()
    {
        var response = await _app.Client.GetAsync("/assets/provinces.map.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var map = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = map.RootElement;

        var attribution = root.GetProperty("attribution").GetString()!;
        Assert.Contains("Openpolis", attribution, StringComparison.Ordinal);
        Assert.Contains("ISTAT", attribution, StringComparison.Ordinal);
        Assert.Contains("CC BY 4.0", attribution, StringComparison.Ordinal);
        Assert.Contains("modified", attribution, StringComparison.Ordinal);

        var viewBox = root.GetProperty("viewBox").GetString()!.Split(' ').Select(int.Parse).ToArray();
        var provinces = root.GetProperty("provinces");
        Assert.Equal(ProvinceCatalog.All.Select(p => p.Code).Order(StringComparer.Ordinal),
            provinces.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var province in provinces.EnumerateObject())
        {
            var d = province.Value.GetProperty("d").GetString()!;
            Assert.Matches(PathData(), d);
            // Absolute starting points of every ring lie inside the view box.
            foreach (Match move in MoveTo().Matches(d))
            {
                var x = int.Parse(move.Groups["x"].Value, System.Globalization.CultureInfo.InvariantCulture);
                var y = int.Parse(move.Groups["y"].Value, System.Globalization.CultureInfo.InvariantCulture);
                Assert.InRange(x, 0, viewBox[2]);
                Assert.InRange(y, 0, viewBox[3]);
            }
        }
    }

    [Fact]
    public async Task A_notice_ships_next_to_the_map_data()
    {
        var notice = await _app.Client.GetStringAsync("/assets/NOTICE.md");
        Assert.Contains("CC BY 4.0", notice, StringComparison.Ordinal);
        Assert.Contains("build_province_map.py", notice, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(?:src|href)\s*=\s*""(?<url>[^""]+)""")]
    private static partial Regex AssetReference();

    [GeneratedRegex(@"getJson\(\s*[""'`](?<url>[^""'`]+)")]
    private static partial Regex FetchCall();

    [GeneratedRegex(@"https?://[^\s""'`)<]+", RegexOptions.IgnoreCase)]
    private static partial Regex AnyUrl();

    [GeneratedRegex(@"^(M-?\d+ -?\d+l[-\d ]+z)+$")]
    private static partial Regex PathData();

    [GeneratedRegex(@"M(?<x>-?\d+) (?<y>-?\d+)")]
    private static partial Regex MoveTo();
}

using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;

namespace PassportBot.Web.Tests;

public sealed class OpenApiAndAssetsTests : IAsyncLifetime
{
    private TestWebApp _app = null!;

    public async Task InitializeAsync() => _app = await TestWebApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task The_OpenAPI_document_describes_every_api_endpoint_and_nothing_else()
    {
        var (response, json) = await _app.GetJsonAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("3.", json.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var documented = json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();

        // Every /api route the server actually maps, read from its own route table.
        var mapped = _app.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/api/", StringComparison.Ordinal))
            .ToHashSet();
        Assert.Equal(8, mapped.Count);
        Assert.Equal(mapped.Order(), documented.Order());

        var slots = json.GetProperty("paths").GetProperty("/api/slots").GetProperty("get");
        Assert.Contains(slots.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "province");
        // Each JSON operation names its body's schema, and its errors as problem details.
        foreach (var path in mapped.Where(p => p != "/api/events"))
        {
            var responses = json.GetProperty("paths").GetProperty(path).GetProperty("get").GetProperty("responses");
            Assert.True(responses.GetProperty("200").GetProperty("content").TryGetProperty("application/json", out var body), path);
            Assert.True(body.TryGetProperty("schema", out _), path);
            Assert.True(responses.TryGetProperty("503", out _), path);
        }
        Assert.True(slots.GetProperty("responses").TryGetProperty("400", out _));
        var insights = json.GetProperty("paths").GetProperty("/api/insights").GetProperty("get");
        Assert.Contains(insights.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "weeks");
    }

    [Fact]
    public async Task The_API_page_is_served_here_and_reads_the_document_from_this_host()
    {
        var response = await _app.Client.GetAsync("/api-docs");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("script-src 'self'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Contains("/assets/api-docs.js", html, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", await _app.Client.GetStringAsync("/assets/api-docs.js"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_province_page_has_a_shareable_address()
    {
        var response = await _app.Client.GetAsync("/province/TO");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/assets/province.js", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Assets_are_served_compressed_to_clients_that_accept_it(string encoding)
    {
        var plain = await _app.Client.GetByteArrayAsync("/assets/app.js");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/assets/app.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var response = await _app.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal([encoding], response.Content.Headers.ContentEncoding);
        Assert.Contains("Accept-Encoding", response.Headers.Vary);
        Assert.True(body.Length < plain.Length / 2, $"{encoding}: {body.Length} of {plain.Length} bytes");
        using var decoder = encoding == "br"
            ? (Stream)new BrotliStream(new MemoryStream(body), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var decoded = new MemoryStream();
        await decoder.CopyToAsync(decoded);
        Assert.Equal(plain, decoded.ToArray());
        Assert.NotEqual(response.Headers.ETag, (await _app.Client.GetAsync("/assets/app.js")).Headers.ETag);
    }
}

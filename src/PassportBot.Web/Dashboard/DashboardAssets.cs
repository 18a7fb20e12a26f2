using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace PassportBot.Web.Dashboard;

/// <summary>The dashboard's files, embedded in the assembly and held in memory, plain and pre-compressed (Brotli, gzip).</summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "PassportBot.Web.Dashboard.";

    // Everything the page needs comes from this host; the policy makes the browser refuse anything else.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".md"] = "text/markdown; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var name = resource[Prefix.Length..];
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var type)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
            // Compressed once at start (text assets shrink to a quarter or less); each encoding is its own
            // representation with its own validator.
            _assets[name] = new Asset(new Representation(bytes, null, $"\"{hash}\""), type,
                Compress(bytes, s => new BrotliStream(s, CompressionLevel.SmallestSize), "br", hash),
                Compress(bytes, s => new GZipStream(s, CompressionLevel.SmallestSize), "gzip", hash));
        }
        if (!_assets.ContainsKey("index.html"))
            throw new InvalidOperationException("The dashboard page is missing from the PassportBot.Web assembly.");
    }

    public IReadOnlyCollection<string> Names => _assets.Keys;

    public IResult Serve(HttpContext context, string name)
    {
        if (!_assets.TryGetValue(name, out var asset)) return Results.NotFound();

        var representation = Choose(context.Request, asset);
        var headers = context.Response.Headers;
        headers.ETag = representation.ETag;
        headers.Vary = "Accept-Encoding";
        if (representation.Encoding is { } encoding) headers.ContentEncoding = encoding;
        // Revalidate every time (cheap, 304) so a new deployment's page and script never mix with old ones.
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (name.EndsWith(".html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
        }

        var ifNoneMatch = context.Request.GetTypedHeaders().IfNoneMatch;
        if (ifNoneMatch.Any(t => t.Tag.Equals(representation.ETag, StringComparison.Ordinal) || t.Equals(EntityTagHeaderValue.Any)))
            return Results.StatusCode(StatusCodes.Status304NotModified);

        return Results.Bytes(representation.Content, asset.ContentType);
    }

    private static Representation Choose(HttpRequest request, Asset asset)
    {
        var accepted = request.GetTypedHeaders().AcceptEncoding;
        bool Accepts(string coding) => accepted.Any(a =>
            a.Value.Equals(coding, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
        if (asset.Brotli is { } br && Accepts("br")) return br;
        if (asset.Gzip is { } gzip && Accepts("gzip")) return gzip;
        return asset.Identity;
    }

    private static Representation? Compress(byte[] content, Func<Stream, Stream> encoder, string encoding, string hash)
    {
        using var output = new MemoryStream();
        using (var stream = encoder(output)) stream.Write(content);
        var compressed = output.ToArray();
        // Small or already compressed files (the icon) are not worth the header.
        return compressed.Length < content.Length * 0.9 ? new Representation(compressed, encoding, $"\"{hash}-{encoding}\"") : null;
    }

    private sealed record Representation(byte[] Content, string? Encoding, string ETag);

    private sealed record Asset(Representation Identity, string ContentType, Representation? Brotli, Representation? Gzip);
}

using System.IO.Compression;

namespace PassportBot.Agenda.Http;

/// <summary>Reads a response body with a cap on the bytes received and on the bytes they decompress to, so a gzip bomb
/// or an endless answer costs at most <see cref="MaxBytes"/> of memory instead of the process.</summary>
internal static class BoundedBody
{
    /// <summary>Offices and month answers are kilobytes (Rome's office list is about 30 KB); 4 MiB leaves a wide margin
    /// for the site growing while keeping a hostile answer harmless.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>The decoded body. Throws <see cref="AgendaUnavailableException"/> (not retried: the same answer would
    /// come again) when a cap is exceeded, <see cref="AgendaTransientException"/> when the encoding is broken.</summary>
    public static async Task<byte[]> ReadAsync(HttpContent content, string endpoint, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is > MaxBytes)
            throw TooLarge(endpoint, $"announced {content.Headers.ContentLength} bytes");

        var raw = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var capped = new CappedReadStream(raw, MaxBytes);
        await using var decoded = Decoder(content.Headers.ContentEncoding, capped, endpoint);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await decoded.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + n > MaxBytes) throw TooLarge(endpoint, "decompressed");
                buffer.Write(chunk, 0, n);
            }
        }
        catch (CappedReadStream.LimitExceededException)
        {
            throw TooLarge(endpoint, "received");
        }
        catch (InvalidDataException ex)
        {
            throw new AgendaTransientException($"Undecodable {string.Join(",", content.Headers.ContentEncoding)} body from {endpoint}.", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The connection broke while the body was arriving: like a refused connection, worth another try.
            throw new AgendaTransientException($"The answer of {endpoint} was cut off ({ex.GetType().Name}).", ex);
        }

        var body = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        return body.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..].ToArray() : body.ToArray();
    }

    private static Stream Decoder(ICollection<string> encodings, Stream raw, string endpoint)
    {
        var stream = raw;
        // Listed in the order they were applied: undo them last to first.
        foreach (var encoding in encodings.Reverse())
        {
            stream = encoding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new GZipStream(stream, CompressionMode.Decompress),
                "deflate" => new ZLibStream(stream, CompressionMode.Decompress),
                "br" => new BrotliStream(stream, CompressionMode.Decompress),
                "identity" or "" => stream,
                var other => throw new AgendaTransientException($"Unsupported Content-Encoding '{other}' from {endpoint}."),
            };
        }
        return stream;
    }

    private static AgendaUnavailableException TooLarge(string endpoint, string what) =>
        new($"The answer of {endpoint} is larger than {MaxBytes / (1024 * 1024)} MiB ({what}); refused.");

    /// <summary>A read-only view of a stream that fails once more than a given number of bytes were read.</summary>
    private sealed class CappedReadStream(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private int Count(int n)
        {
            read += n;
            if (read > limit) throw new LimitExceededException();
            return n;
        }

        internal sealed class LimitExceededException : IOException;
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Credentials;

/// <summary>The two token files the user copies from the browser (<see cref="AgendaOptions.CookieFile"/>,
/// <see cref="AgendaOptions.CsrfTokenFile"/>). Files are re-read only when their time or size changes.</summary>
public sealed class FileCredentialSource(IOptions<AgendaOptions> options, ILogger<FileCredentialSource> logger) : IAgendaCredentialSource
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private (FileStamp Cookie, FileStamp Csrf)? lastStamps;
    private CredentialsSnapshot? lastSnapshot;

    public async Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.CookieFile) || string.IsNullOrWhiteSpace(o.CsrfTokenFile)) return null;
        var cookieStamp = FileStamp.Of(o.CookieFile);
        var csrfStamp = FileStamp.Of(o.CsrfTokenFile);
        if (cookieStamp is null || csrfStamp is null) return null;

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var stamps = (cookieStamp.Value, csrfStamp.Value);
            if (lastStamps == stamps) return lastSnapshot;

            string cookieText, csrfText;
            try
            {
                cookieText = await File.ReadAllTextAsync(o.CookieFile, cancellationToken).ConfigureAwait(false);
                csrfText = await File.ReadAllTextAsync(o.CsrfTokenFile, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Most likely the user is saving the file right now; the next read will see the result.
                logger.LogWarning("Could not read the agenda token files yet: {Error}", ex.GetType().Name);
                return lastSnapshot;
            }
            catch (UnauthorizedAccessException)
            {
                logger.LogWarning("The agenda token files {CookieFile}, {CsrfFile} are not readable.", o.CookieFile, o.CsrfTokenFile);
                return null;
            }

            lastStamps = stamps;
            var cookie = CredentialText.Normalize(cookieText, "Cookie");
            var csrf = CredentialText.Normalize(csrfText, "X-CSRF-TOKEN");
            lastSnapshot = cookie is null || csrf is null
                ? null
                : new CredentialsSnapshot(new AgendaCredentials(cookie, csrf),
                    cookieStamp.Value.Modified > csrfStamp.Value.Modified ? cookieStamp.Value.Modified : csrfStamp.Value.Modified,
                    $"files {Path.GetFileName(o.CookieFile)}, {Path.GetFileName(o.CsrfTokenFile)}");
            return lastSnapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    private readonly record struct FileStamp(DateTimeOffset Modified, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero), info.Length) : null;
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Credentials;

/// <summary>The two token files the user copies from the browser (<see cref="AgendaOptions.CookieFile"/>,
/// <see cref="AgendaOptions.CsrfTokenFile"/>). Both are read on every call: they are tiny, and only their content
/// tells reliably whether they changed. A Kubernetes Secret volume is updated by swapping a <c>..data</c> symlink,
/// so the path leads to another file while the link's own time and the new file's size may stay the same.</summary>
public sealed class FileCredentialSource(IOptions<AgendaOptions> options, ILogger<FileCredentialSource> logger) : IAgendaCredentialSource
{
    /// <summary>A Cookie header is a few kilobytes; a bigger file is the wrong file, not worth reading on every poll.</summary>
    internal const int MaxFileBytes = 64 * 1024;

    private readonly SemaphoreSlim gate = new(1, 1);
    private FilesVersion? lastVersion;
    private CredentialsSnapshot? lastSnapshot;
    private ReadProblem? lastProblem;

    public async Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.CookieFile) || string.IsNullOrWhiteSpace(o.CsrfTokenFile)) return null;

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var cookie = await ReadFileAsync(o.CookieFile, cancellationToken).ConfigureAwait(false);
            var csrf = cookie.Problem is null ? await ReadFileAsync(o.CsrfTokenFile, cancellationToken).ConfigureAwait(false) : default;
            var problem = cookie.Problem ?? csrf.Problem;
            if (problem is not null)
            {
                // Called about once a second: one warning per distinct problem, not one per call.
                if (problem != lastProblem)
                    logger.LogWarning("Cannot use the agenda token file {File}: {Problem}. Not repeated until this changes.",
                        problem.Path, problem.Description);
                lastProblem = problem;
                return problem.Transient ? lastSnapshot : null;
            }

            if (lastProblem is not null)
            {
                if (cookie.File is not null && csrf.File is not null) logger.LogInformation("The agenda token files are readable again.");
                lastProblem = null;
            }
            if (cookie.File is null || csrf.File is null) return null;

            var version = new FilesVersion(cookie.File.Modified, csrf.File.Modified, cookie.File.Hash, csrf.File.Hash);
            if (version == lastVersion) return lastSnapshot;

            lastVersion = version;
            SecretFile.WarnIfShared(o.CookieFile, logger);
            SecretFile.WarnIfShared(o.CsrfTokenFile, logger);
            var cookieText = CredentialText.Normalize(cookie.File.Text, "Cookie");
            var csrfText = CredentialText.Normalize(csrf.File.Text, "X-CSRF-TOKEN");
            lastSnapshot = cookieText is null || csrfText is null
                ? null
                : new CredentialsSnapshot(new AgendaCredentials(cookieText, csrfText),
                    cookie.File.Modified > csrf.File.Modified ? cookie.File.Modified : csrf.File.Modified,
                    $"files {Path.GetFileName(o.CookieFile)}, {Path.GetFileName(o.CsrfTokenFile)}");
            return lastSnapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads through an open handle, so time, size and content all belong to the file the path leads to
    /// now, whatever symlinks (of files or folders) are on the way.</summary>
    private static async Task<FileRead> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            var length = RandomAccess.GetLength(handle);
            if (length > MaxFileBytes)
                return new FileRead(null, new ReadProblem(path, $"larger than {MaxFileBytes} bytes, so not a token file", Transient: false));

            var modified = new DateTimeOffset(File.GetLastWriteTimeUtc(handle), TimeSpan.Zero);
            var buffer = new byte[length];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                read += n;
            }
            var content = buffer.AsSpan(0, read);
            return new FileRead(new TokenFile(modified, Convert.ToHexString(SHA256.HashData(content)), Decode(content)), null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return default;
        }
        catch (UnauthorizedAccessException)
        {
            return new FileRead(null, new ReadProblem(path, "not readable (permissions, or a folder instead of a file)", Transient: false));
        }
        catch (IOException ex)
        {
            // Most likely the user is saving the file right now; the next read will see the result.
            return new FileRead(null, new ReadProblem(path, $"could not be read yet ({ex.GetType().Name})", Transient: true));
        }
    }

    /// <summary>Like File.ReadAllText: UTF-8 unless a byte order mark says otherwise (Notepad may add one).</summary>
    private static string Decode(ReadOnlySpan<byte> content)
    {
        using var reader = new StreamReader(new MemoryStream(content.ToArray()), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private sealed record TokenFile(DateTimeOffset Modified, string Hash, string Text);

    private sealed record ReadProblem(string Path, string Description, bool Transient);

    /// <summary>No file and no problem: the file does not exist.</summary>
    private readonly record struct FileRead(TokenFile? File, ReadProblem? Problem);

    private readonly record struct FilesVersion(DateTimeOffset CookieModified, DateTimeOffset CsrfModified, string CookieHash, string CsrfHash);
}

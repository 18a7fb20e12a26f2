using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PassportBot.Agenda.Credentials;

/// <summary>Files holding one secret (a bot token, a Cookie header, a CSRF token): read and cleaned the same way, and
/// a warning, once per file, when other users of the machine may read them.</summary>
public static class SecretFile
{
    /// <summary>Secrets are a few kilobytes at most; a bigger file is the wrong file.</summary>
    public const int MaxBytes = 64 * 1024;

    private static readonly ConcurrentDictionary<string, bool> Warned = new(StringComparer.Ordinal);

    /// <summary>The file's content cleaned like a pasted header value (<see cref="CredentialText.Normalize"/>,
    /// dropping a leading "<paramref name="headerName"/>:"), or null when it holds nothing.</summary>
    /// <exception cref="IOException">Missing, unreadable or too big (the message names the file, never its content).</exception>
    public static string? Read(string path, string? headerName, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"'{path}' does not exist.");
        if (info.Length > MaxBytes) throw new IOException($"'{path}' is larger than {MaxBytes} bytes, so not a secret file.");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw new IOException($"'{path}' is not readable (permissions).");
        }
        WarnIfShared(path, logger);
        return CredentialText.Normalize(text, headerName ?? "");
    }

    /// <summary>Warns once per file when group or others may read it (Unix only): a secret should be 0600.</summary>
    public static void WarnIfShared(string path, ILogger? logger)
    {
        if (logger is null || OperatingSystem.IsWindows()) return;
        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }
        const UnixFileMode shared = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        if ((mode & shared) == 0 || !Warned.TryAdd(Path.GetFullPath(path), true)) return;
        logger.LogWarning("The secret file {File} can be read by other users (mode {Mode}); make it private: chmod 600 {File}",
            path, Convert.ToString((int)mode, 8), path);
    }
}

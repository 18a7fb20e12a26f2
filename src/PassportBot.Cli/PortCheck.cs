using System.Net;
using System.Net.Sockets;

namespace PassportBot.Cli;

/// <summary>Tries each <c>Web:Urls</c> address before the host starts. Kestrel would fail the same way, but inside
/// the host's start-up, which logs the failure with a stack trace before the command can explain it.</summary>
internal static class PortCheck
{
    public static void ThrowIfInUse(IEnumerable<string> urls)
    {
        var failures = new List<string>();
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Port == 0)
                continue;
            var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) ? IPAddress.Loopback
                : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) ? parsed : null;
            if (address is null) continue;
            var listener = new TcpListener(address, uri.Port);
            try
            {
                listener.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                failures.Add($"Configuration error: Web:Urls: {url} is already in use (another passportbot role or program listens there); " +
                             $"give each process its own port, e.g. --Web:Urls=http://127.0.0.1:{uri.Port + 1} (or PASSPORTBOT_Web__Urls).");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AccessDenied or SocketError.AddressNotAvailable)
            {
                failures.Add($"Configuration error: Web:Urls: cannot listen on {url} ({(e.SocketErrorCode == SocketError.AccessDenied ? "permission denied: ports below 1024 need privileges" : "no such local address")}); change Web:Urls.");
            }
            finally
            {
                listener.Stop();
            }
        }
        if (failures.Count > 0) throw new StartupConfigurationException(failures);
    }
}

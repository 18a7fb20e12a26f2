using System.Security.Cryptography;

namespace PassportBot.Agenda.Simulator.Server;

/// <summary>The one session the simulated site accepts: a <c>JSESSIONID</c> cookie and its CSRF token.</summary>
public sealed class SimulatorCredentials
{
    private readonly Lock gate = new();
    private readonly TimeProvider time;
    private AgendaCredentials current;
    private string sessionId;

    public SimulatorCredentials(TimeProvider time, string? sessionId = null, string? csrfToken = null)
    {
        this.time = time;
        this.sessionId = sessionId ?? NewSessionId();
        current = new AgendaCredentials(CookieFor(this.sessionId), csrfToken ?? Guid.NewGuid().ToString());
        IssuedAt = time.GetUtcNow();
    }

    /// <summary>The valid pair, as a user would copy it from the browser.</summary>
    public AgendaCredentials Current { get { lock (gate) return current; } }

    public DateTimeOffset IssuedAt { get; private set; }

    /// <summary>A new login: the old cookie and token stop working.</summary>
    public AgendaCredentials Rotate()
    {
        lock (gate)
        {
            sessionId = NewSessionId();
            current = new AgendaCredentials(CookieFor(sessionId), Guid.NewGuid().ToString());
            IssuedAt = time.GetUtcNow();
            return current;
        }
    }

    /// <summary>Same session, new CSRF token (what the sceltaComune page then shows): the old token stops working.</summary>
    public AgendaCredentials RotateCsrfToken()
    {
        lock (gate)
        {
            current = current with { CsrfToken = Guid.NewGuid().ToString() };
            return current;
        }
    }

    internal bool AcceptsCookie(string? cookieHeader)
    {
        if (string.IsNullOrEmpty(cookieHeader)) return false;
        string expected;
        lock (gate) expected = sessionId;
        foreach (var part in cookieHeader.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq > 0 && part[..eq] == "JSESSIONID" && CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(part[(eq + 1)..]), System.Text.Encoding.UTF8.GetBytes(expected)))
                return true;
        }
        return false;
    }

    internal bool AcceptsCsrf(string? token)
    {
        lock (gate) return token is not null && token == current.CsrfToken;
    }

    // Shaped like a browser's copied header: the session cookie plus the load balancer's.
    private static string CookieFor(string sessionId) => $"JSESSIONID={sessionId}; BIGipServerpool_passaporto=1234567.20480.0000";

    private static string NewSessionId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
}

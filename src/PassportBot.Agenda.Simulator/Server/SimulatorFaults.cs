namespace PassportBot.Agenda.Simulator.Server;

/// <summary>Misbehaviour on demand. "For the next N calls" counts JSON calls (endpoints A, B, C); the CSRF page is
/// never faulted, except by <see cref="ExpireSessionAfter"/> which ends the session for it too.</summary>
public sealed class SimulatorFaults
{
    private readonly Lock gate = new();
    private int expireAfter = -1;
    private int loginPages;
    private int loginRedirects;
    private int malformed;
    private int failures;
    private int failureStatus = 503;
    private int hostileCalls;
    private HostileAnswer hostile;
    private int slowCalls;
    private TimeSpan delay;
    private readonly Dictionary<int, int> failingOffices = [];

    /// <summary>After <paramref name="calls"/> more JSON calls the current credentials stop working (403s follow);
    /// <see cref="AgendaSimulator.Credentials"/> then holds the new valid pair.</summary>
    public void ExpireSessionAfter(int calls) { lock (gate) expireAfter = Math.Max(0, calls); }

    /// <summary>The next <paramref name="calls"/> JSON calls get the login page (HTML, 200).</summary>
    public void ServeLoginPage(int calls = 1) { lock (gate) loginPages = calls; }

    /// <summary>The next <paramref name="calls"/> JSON calls get a 302 to the login page.</summary>
    public void RedirectToLogin(int calls = 1) { lock (gate) loginRedirects = calls; }

    /// <summary>The next <paramref name="calls"/> JSON calls get a truncated JSON body.</summary>
    public void ServeMalformedJson(int calls = 1) { lock (gate) malformed = calls; }

    /// <summary>The next <paramref name="calls"/> JSON calls fail with <paramref name="status"/>.</summary>
    public void FailWithStatus(int calls = 1, int status = 503)
    {
        lock (gate) { failures = calls; failureStatus = status; }
    }

    /// <summary>The next <paramref name="calls"/> JSON calls get <paramref name="answer"/> (a hostile or broken
    /// site: a gzip bomb, a huge JSON body, a maintenance or firewall page).</summary>
    public void Serve(HostileAnswer answer, int calls = 1)
    {
        lock (gate) { hostile = answer; hostileCalls = answer == HostileAnswer.None ? 0 : calls; }
    }

    /// <summary>The next <paramref name="calls"/> requests wait <paramref name="delay"/> (wall-clock) before answering.</summary>
    public void SlowDown(TimeSpan delay, int calls = int.MaxValue)
    {
        lock (gate) { this.delay = delay; slowCalls = calls; }
    }

    /// <summary>Endpoint B for this office fails with <paramref name="status"/> until <see cref="RestoreOffice"/>.</summary>
    public void FailOffice(int officeId, int status = 500) { lock (gate) failingOffices[officeId] = status; }

    public void RestoreOffice(int officeId) { lock (gate) failingOffices.Remove(officeId); }

    public void Reset()
    {
        lock (gate)
        {
            expireAfter = -1;
            loginPages = loginRedirects = malformed = failures = slowCalls = hostileCalls = 0;
            hostile = HostileAnswer.None;
            delay = TimeSpan.Zero;
            failingOffices.Clear();
        }
    }

    internal TimeSpan TakeDelay()
    {
        lock (gate) return Take(ref slowCalls) ? delay : TimeSpan.Zero;
    }

    /// <summary>The fault for this JSON call, consuming one unit of it.</summary>
    internal SimulatedFault TakeFault(int? officeId)
    {
        lock (gate)
        {
            if (expireAfter == 0) { expireAfter = -1; return SimulatedFault.EndSession; }
            if (expireAfter > 0) expireAfter--;
            if (Take(ref failures)) return new SimulatedFault(SimulatedFaultKind.Status, failureStatus);
            if (Take(ref malformed)) return new SimulatedFault(SimulatedFaultKind.MalformedJson, 200);
            if (Take(ref hostileCalls)) return new SimulatedFault(SimulatedFaultKind.Hostile, hostile == HostileAnswer.FirewallPage ? 403 : 200, hostile);
            if (Take(ref loginPages)) return new SimulatedFault(SimulatedFaultKind.LoginPage, 200);
            if (Take(ref loginRedirects)) return new SimulatedFault(SimulatedFaultKind.LoginRedirect, 302);
            if (officeId is { } id && failingOffices.TryGetValue(id, out var status)) return new SimulatedFault(SimulatedFaultKind.Status, status);
            return SimulatedFault.None;
        }
    }

    private static bool Take(ref int counter)
    {
        if (counter <= 0) return false;
        counter--;
        return true;
    }
}

internal enum SimulatedFaultKind { None, EndSession, Status, MalformedJson, LoginPage, LoginRedirect, Hostile }

/// <summary>Answers of a hostile or broken site, for <see cref="SimulatorFaults.Serve"/> and <c>Simulator:HostileAnswer</c>.</summary>
public enum HostileAnswer
{
    None,
    /// <summary>A small gzip body (about 256 KB) that inflates to 256 MB of JSON.</summary>
    GzipBomb,
    /// <summary>A valid JSON body of 64 MB, streamed.</summary>
    HugeJson,
    /// <summary>HTML, 200: a maintenance page that carries the app's <c>_csrf</c> meta tag but no login form.</summary>
    MaintenancePage,
    /// <summary>HTML, 403: a web application firewall's block page.</summary>
    FirewallPage,
}

internal readonly record struct SimulatedFault(SimulatedFaultKind Kind, int Status, HostileAnswer Hostile = HostileAnswer.None)
{
    public static SimulatedFault None => new(SimulatedFaultKind.None, 0);
    public static SimulatedFault EndSession => new(SimulatedFaultKind.EndSession, 403);
}

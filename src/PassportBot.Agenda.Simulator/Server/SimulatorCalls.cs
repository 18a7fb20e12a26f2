namespace PassportBot.Agenda.Simulator.Server;

public enum SimulatorEndpoint { OfficeList, OfficeMonth, MunicipalitySearch, CsrfPage, Unknown }

/// <summary>One request the simulator received (headers that matter to the site's checks; never logged).
/// <see cref="StatusCode"/> is 0 while the answer is pending (e.g. a slow response).</summary>
public sealed record RecordedRequest(
    SimulatorEndpoint Endpoint,
    string Method,
    string Path,
    string? Province,
    int? OfficeId,
    string? DataRiferimento,
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string? Body);

/// <summary>Counters of calls per endpoint, province and office, so tests can assert politeness.</summary>
public sealed class SimulatorCalls
{
    private readonly Lock gate = new();
    private readonly List<RecordedRequest> requests = [];
    private int inFlight;
    private int maxInFlight;

    /// <summary>The most requests the simulator was serving at once since the last <see cref="Clear"/>.</summary>
    public int MaxConcurrent => Volatile.Read(ref maxInFlight);

    public IReadOnlyList<RecordedRequest> Requests { get { lock (gate) return requests.ToArray(); } }

    public int Count(SimulatorEndpoint endpoint) => Requests.Count(r => r.Endpoint == endpoint);

    /// <summary>Endpoint A calls for one province (every page counts).</summary>
    public int OfficeListCalls(string province) =>
        Requests.Count(r => r.Endpoint == SimulatorEndpoint.OfficeList && string.Equals(r.Province, province, StringComparison.OrdinalIgnoreCase));

    public int MonthCalls(int officeId) => Requests.Count(r => r.Endpoint == SimulatorEndpoint.OfficeMonth && r.OfficeId == officeId);

    public void Clear()
    {
        lock (gate) requests.Clear();
        Volatile.Write(ref maxInFlight, Volatile.Read(ref inFlight));
    }

    /// <summary>Records a request on arrival; the returned action records its answer's status.</summary>
    internal Action<int> Begin(RecordedRequest request)
    {
        lock (gate) requests.Add(request);
        return status =>
        {
            lock (gate)
            {
                var at = requests.IndexOf(request);
                if (at >= 0) requests[at] = request with { StatusCode = status };
            }
        };
    }

    internal IDisposable Enter()
    {
        var now = Interlocked.Increment(ref inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref maxInFlight)) && Interlocked.CompareExchange(ref maxInFlight, now, seen) != seen) { }
        return new Exit(this);
    }

    private sealed class Exit(SimulatorCalls calls) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 0) Interlocked.Decrement(ref calls.inFlight);
        }
    }

}

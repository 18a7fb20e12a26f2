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

/// <summary>Counters of calls per endpoint, province and office, so tests can assert politeness. Counts are exact
/// and kept for ever; the request details are kept for the most recent <see cref="MaxRecorded"/> requests only, so
/// a long-running demo does not grow without bound.</summary>
public sealed class SimulatorCalls
{
    public const int MaxRecorded = 10_000;

    private readonly Lock gate = new();
    private readonly LinkedList<Entry> recent = new();
    private readonly Dictionary<(SimulatorEndpoint Endpoint, string? Province, int? OfficeId), int> counts = [];
    private int inFlight;
    private int maxInFlight;

    /// <summary>The most requests the simulator was serving at once since the last <see cref="Clear"/>.</summary>
    public int MaxConcurrent => Volatile.Read(ref maxInFlight);

    /// <summary>The most recent requests (at most <see cref="MaxRecorded"/>), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests { get { lock (gate) return recent.Select(e => e.Request).ToArray(); } }

    public int Count(SimulatorEndpoint endpoint)
    {
        lock (gate) return counts.Where(kv => kv.Key.Endpoint == endpoint).Sum(kv => kv.Value);
    }

    /// <summary>Endpoint A calls for one province (every page counts).</summary>
    public int OfficeListCalls(string province)
    {
        lock (gate)
            return counts.Where(kv => kv.Key.Endpoint == SimulatorEndpoint.OfficeList && string.Equals(kv.Key.Province, province, StringComparison.OrdinalIgnoreCase)).Sum(kv => kv.Value);
    }

    public int MonthCalls(int officeId)
    {
        lock (gate) return counts.Where(kv => kv.Key.Endpoint == SimulatorEndpoint.OfficeMonth && kv.Key.OfficeId == officeId).Sum(kv => kv.Value);
    }

    public void Clear()
    {
        lock (gate)
        {
            recent.Clear();
            counts.Clear();
        }
        Volatile.Write(ref maxInFlight, Volatile.Read(ref inFlight));
    }

    /// <summary>Records a request on arrival; the returned action records its answer's status.</summary>
    internal Action<int> Begin(RecordedRequest request)
    {
        var entry = new Entry(request);
        lock (gate)
        {
            recent.AddLast(entry);
            if (recent.Count > MaxRecorded) recent.RemoveFirst();
            var key = (request.Endpoint, request.Province, request.OfficeId);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return status =>
        {
            lock (gate) entry.Request = entry.Request with { StatusCode = status };
        };
    }

    private sealed class Entry(RecordedRequest request)
    {
        public RecordedRequest Request { get; set; } = request;
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

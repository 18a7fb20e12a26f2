using PassportBot.Agenda;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch;

/// <summary>What the watch loop last did, for the live view. Updated by the loop only; read from anywhere.</summary>
public sealed class WatchStatus
{
    private readonly Lock gate = new();
    private WatchSnapshot current = WatchSnapshot.Initial;

    public WatchSnapshot Current { get { lock (gate) return current; } }

    /// <summary>Raised after every change (on the updating thread).</summary>
    public event Action? Changed;

    public void Update(Func<WatchSnapshot, WatchSnapshot> change)
    {
        lock (gate) current = change(current);
        Changed?.Invoke();
    }
}

/// <param name="LastPollAt">End of the last scan of every province, successful or not.</param>
/// <param name="LastSuccessAt">End of the last scan that reached the site.</param>
/// <param name="NextPollAt">When the next scan starts.</param>
/// <param name="LastError">Last failure, free of secrets; cleared by a clean scan.</param>
/// <param name="ConsecutiveFailures">Scans in a row that failed (drives the backoff).</param>
/// <param name="Recent">The latest NEW and GONE events, newest last.</param>
public sealed record WatchSnapshot(
    IReadOnlyList<string> Provinces,
    string Filter,
    CredentialState Credentials,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? NextPollAt,
    string? LastError,
    int ConsecutiveFailures,
    long Polls,
    IReadOnlyList<WatchedSlot> OpenSlots,
    IReadOnlyList<WatchEvent> Recent,
    bool Demo)
{
    public static WatchSnapshot Initial { get; } = new([], "", CredentialState.Missing, null, null, null, null, 0, 0, [], [], false);
}

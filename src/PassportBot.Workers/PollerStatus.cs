using PassportBot.Agenda;

namespace PassportBot.Workers;

/// <summary>What the poller last did, for /health and the operator.</summary>
public sealed class PollerStatus(TimeProvider time)
{
    private readonly Lock _gate = new();

    public PollerStatus() : this(TimeProvider.System)
    {
    }

    /// <summary>When this poller came up: the reference for "no poll has succeeded yet".</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    private Snapshot _current = new(CredentialState.Missing, null, null, null, 0, 0);

    public Snapshot Current { get { lock (_gate) return _current; } }

    public void Update(Func<Snapshot, Snapshot> change)
    {
        lock (_gate) _current = change(_current);
    }

    /// <param name="LastSuccessAt">End of the last province poll that succeeded.</param>
    /// <param name="LastError">Last failure, already free of secrets.</param>
    public sealed record Snapshot(
        CredentialState Credentials,
        DateTimeOffset? LastCycleAt,
        DateTimeOffset? LastSuccessAt,
        string? LastError,
        int ProvincesFollowed,
        long PollsCompleted);
}

using Microsoft.Extensions.Logging;

namespace PassportBot.Agenda.Credentials;

/// <summary>The operator's session, shared by every caller of the agenda site (register as a singleton).
/// Uses the most recently updated snapshot among all registered sources; remembers which credential sets the
/// site rejected so each is reported once, and so the same rejected set is not picked up again.</summary>
public sealed class AgendaSession(
    IEnumerable<IAgendaCredentialSource> sources,
    TimeProvider time,
    ILogger<AgendaSession> logger) : IAgendaSession
{
    private readonly IAgendaCredentialSource[] sources = sources.ToArray();
    private readonly Lock gate = new();
    private readonly HashSet<string> rejected = new(StringComparer.Ordinal);
    private CredentialsSnapshot? selected;
    private AgendaCredentials? current;
    private CredentialState state = CredentialState.Missing;
    private DateTimeOffset? expiredAt;

    public CredentialState State { get { lock (gate) return state; } }

    public AgendaCredentials? Current { get { lock (gate) return state == CredentialState.Valid ? current : null; } }

    public DateTimeOffset? ExpiredAt { get { lock (gate) return expiredAt; } }

    public async Task<CredentialState> RefreshAsync(CancellationToken cancellationToken)
    {
        var snapshots = await Task.WhenAll(sources.Select(source => ReadAsync(source, cancellationToken))).ConfigureAwait(false);
        CredentialsSnapshot? newest = null;
        foreach (var snapshot in snapshots)
        {
            if (snapshot is not null && (newest is null || snapshot.UpdatedAt > newest.UpdatedAt)) newest = snapshot;
        }
        lock (gate)
        {
            Apply(newest);
            return state;
        }
    }

    public bool ReportExpired(AgendaCredentials credentials, string reason)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        lock (gate)
        {
            var first = rejected.Add(credentials.Fingerprint);
            // A CSRF token refreshed meanwhile does not make this a different session: same cookie, same session.
            if (current is not null && current.Cookie == credentials.Cookie)
            {
                rejected.Add(current.Fingerprint);
                if (selected is not null) rejected.Add(selected.Credentials.Fingerprint);
                if (state == CredentialState.Valid)
                {
                    state = CredentialState.Expired;
                    expiredAt = time.GetUtcNow();
                    current = null;
                    logger.LogWarning("Agenda session {Fingerprint} expired: {Reason}", credentials.Fingerprint, reason);
                }
            }
            return first;
        }
    }

    public void ReplaceCsrfToken(AgendaCredentials credentials, string csrfToken)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(csrfToken);
        lock (gate)
        {
            if (state != CredentialState.Valid || current is null || current.Cookie != credentials.Cookie) return;
            var replaced = current with { CsrfToken = csrfToken.Trim() };
            if (replaced == current) return;
            logger.LogInformation("Agenda CSRF token refreshed: session {Old} is now {New}.", current.Fingerprint, replaced.Fingerprint);
            current = replaced;
        }
    }

    private void Apply(CredentialsSnapshot? newest)
    {
        if (newest is null)
        {
            if (state != CredentialState.Missing) logger.LogWarning("Agenda credentials are gone from every source.");
            selected = null;
            current = null;
            state = CredentialState.Missing;
            return;
        }

        // Same credentials as before: keep the state and any CSRF token refreshed from the site.
        if (selected is not null && selected.Credentials.Fingerprint == newest.Credentials.Fingerprint && state != CredentialState.Missing) return;

        selected = newest;
        if (rejected.Contains(newest.Credentials.Fingerprint))
        {
            if (state != CredentialState.Expired)
                logger.LogWarning("Agenda credentials {Fingerprint} from {Source} were already rejected by the site; waiting for new ones.",
                    newest.Credentials.Fingerprint, newest.Source);
            current = null;
            state = CredentialState.Expired;
            expiredAt ??= time.GetUtcNow();
            return;
        }

        logger.LogInformation("Agenda credentials {Fingerprint} from {Source} are in use (was {State}).",
            newest.Credentials.Fingerprint, newest.Source, state);
        current = newest.Credentials;
        state = CredentialState.Valid;
        expiredAt = null;
    }

    private async Task<CredentialsSnapshot?> ReadAsync(IAgendaCredentialSource source, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Agenda credential source {Source} failed: {Error}", source.GetType().Name, ex.GetType().Name);
            return null;
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Credentials;

/// <summary>The operator's session, shared by every caller of the agenda site (register as a singleton).
/// Uses the most recently updated snapshot among all registered sources; remembers which credential sets the
/// site rejected so each is reported once, and so the same rejected set is not picked up again at once: it is
/// tried again every <see cref="AgendaOptions.ExpiredRetryInterval"/>, since a refusal can be passing.</summary>
public sealed class AgendaSession(
    IEnumerable<IAgendaCredentialSource> sources,
    IOptions<AgendaOptions> options,
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
    private DateTimeOffset? retryAt;
    private bool retrying;

    public CredentialState State { get { lock (gate) return state; } }

    public AgendaCredentials? Current { get { lock (gate) return state == CredentialState.Valid ? current : null; } }

    public DateTimeOffset? ExpiredAt { get { lock (gate) return expiredAt; } }

    public bool Retrying { get { lock (gate) return retrying; } }

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
            RetryIfDue();
            return state;
        }
    }

    public bool ReportWorking(AgendaCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        lock (gate)
        {
            if (!retrying || current is null || current.Cookie != credentials.Cookie) return false;
            retrying = false;
            expiredAt = retryAt = null;
            // Working again: a later real expiry of the same credentials deserves its own alert.
            rejected.Remove(credentials.Fingerprint);
            rejected.Remove(current.Fingerprint);
            if (selected is not null) rejected.Remove(selected.Credentials.Fingerprint);
            logger.LogInformation("Agenda session {Fingerprint} works again after being refused; polling resumes.", credentials.Fingerprint);
            return true;
        }
    }

    /// <summary>Expired credentials get another chance once per interval (the caller holds the lock).</summary>
    private void RetryIfDue()
    {
        if (state != CredentialState.Expired || selected is null || retryAt is not { } due || time.GetUtcNow() < due) return;
        retrying = true;
        state = CredentialState.Valid;
        current = selected.Credentials;
        retryAt = null;
        logger.LogInformation("Trying agenda credentials {Fingerprint} again, refused {Ago} ago.",
            current.Fingerprint, expiredAt is { } at ? (time.GetUtcNow() - at).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "?");
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
                    var now = time.GetUtcNow();
                    if (!retrying) expiredAt = now;
                    retryAt = now + options.Value.ExpiredRetryInterval;
                    current = null;
                    if (retrying) logger.LogInformation("Agenda session {Fingerprint} is still refused: {Reason}", credentials.Fingerprint, reason);
                    else logger.LogWarning("Agenda session {Fingerprint} expired: {Reason}", credentials.Fingerprint, reason);
                    retrying = false;
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
            retrying = false;
            retryAt = null;
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
            retrying = false;
            expiredAt ??= time.GetUtcNow();
            retryAt ??= time.GetUtcNow() + options.Value.ExpiredRetryInterval;
            return;
        }

        logger.LogInformation("Agenda credentials {Fingerprint} from {Source} are in use (was {State}).",
            newest.Credentials.Fingerprint, newest.Source, state);
        current = newest.Credentials;
        state = CredentialState.Valid;
        expiredAt = retryAt = null;
        retrying = false;
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

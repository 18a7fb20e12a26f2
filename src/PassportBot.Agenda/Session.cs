using PassportBot.Domain;

namespace PassportBot.Agenda;

/// <summary>Credentials as one source holds them, with the time they were last changed there.</summary>
public sealed record CredentialsSnapshot(AgendaCredentials Credentials, DateTimeOffset UpdatedAt, string Source);

/// <summary>A place credentials come from: the two token files, inline configuration, the settings table
/// (pasted by the admin through the bot). The session takes the most recently updated one.</summary>
public interface IAgendaCredentialSource
{
    Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken);
}

public enum CredentialState
{
    /// <summary>No credentials anywhere.</summary>
    Missing,
    /// <summary>Credentials present and not known to be expired.</summary>
    Valid,
    /// <summary>The site rejected the current credentials; waiting for new ones.</summary>
    Expired,
}

/// <summary>The poller's view of the operator's session: which credentials to use, and whether they still work.</summary>
public interface IAgendaSession
{
    CredentialState State { get; }

    /// <summary>Credentials to send (null when Missing or Expired).</summary>
    AgendaCredentials? Current { get; }

    /// <summary>When the current credentials were found expired.</summary>
    DateTimeOffset? ExpiredAt { get; }

    /// <summary>Re-reads the sources (cheap: file times, one small query). New credentials after an expiry
    /// make the state Valid again.</summary>
    Task<CredentialState> RefreshAsync(CancellationToken cancellationToken);

    /// <summary>The site rejected <paramref name="credentials"/>. Returns true only the first time for that
    /// credential set, so the caller alerts the admin once, not once per poll.</summary>
    bool ReportExpired(AgendaCredentials credentials, string reason);

    /// <summary>True while credentials marked expired are being tried again (every
    /// <see cref="AgendaOptions.ExpiredRetryInterval"/>): <see cref="State"/> is Valid for that attempt, but nothing
    /// is known to work until <see cref="ReportWorking"/> says so.</summary>
    bool Retrying { get; }

    /// <summary>A request with <paramref name="credentials"/> succeeded. Returns true only when these credentials had
    /// been marked expired and are now known to work again, so the caller tells the admins once.</summary>
    bool ReportWorking(AgendaCredentials credentials);

    /// <summary>The client obtained a fresh CSRF token from the site's _csrf meta tag for the same cookie.</summary>
    void ReplaceCsrfToken(AgendaCredentials credentials, string csrfToken);
}

/// <summary>What one poll of one province saw.</summary>
/// <param name="Complete">True when endpoint A and every endpoint B call succeeded.</param>
/// <param name="Coverage">What was read completely; only covered slots may be closed for absence.</param>
public sealed record ProvinceScan(
    string Province,
    DateTimeOffset PolledAt,
    IReadOnlyList<OfficeAvailability> Offices,
    IReadOnlyList<OfficeCoverage> Coverage,
    bool Complete,
    IReadOnlyList<string> Errors);

/// <summary>Reads one province: endpoint A, then endpoint B for each office with a first free date, for
/// <see cref="AgendaOptions.MonthsAhead"/> months. Shared by the poller and <c>passportbot watch</c>.
/// Session expiry propagates as <see cref="AgendaSessionExpiredException"/>; other failures of single
/// offices are recorded in <see cref="ProvinceScan.Errors"/> and leave those offices uncovered.</summary>
public interface IProvinceScanner
{
    Task<ProvinceScan> ScanAsync(string province, CancellationToken cancellationToken);
}

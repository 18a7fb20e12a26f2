using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Credentials;

/// <summary>Credentials given inline in configuration (<see cref="AgendaOptions.Cookie"/>,
/// <see cref="AgendaOptions.CsrfToken"/>, e.g. from environment variables). They count as the oldest source,
/// so token files or credentials pasted later win.</summary>
public sealed class InlineCredentialSource(IOptions<AgendaOptions> options) : IAgendaCredentialSource
{
    public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        var cookie = CredentialText.Normalize(options.Value.Cookie, "Cookie");
        var csrf = CredentialText.Normalize(options.Value.CsrfToken, "X-CSRF-TOKEN");
        return Task.FromResult(cookie is null || csrf is null
            ? null
            : new CredentialsSnapshot(new AgendaCredentials(cookie, csrf), DateTimeOffset.MinValue, "configuration"));
    }
}

using PassportBot.Agenda;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Agenda credentials pasted by an admin into the bot (<c>/cookie</c>, <c>/csrf</c>), shared by every
/// process through the settings table.</summary>
public sealed class SettingsCredentialSource(ISettingsStore settings) : IAgendaCredentialSource
{
    public const string CookieKey = "agenda.cookie";
    public const string CsrfKey = "agenda.csrf";

    public async Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken)
    {
        var cookie = await settings.GetAsync(CookieKey, cancellationToken).ConfigureAwait(false);
        var csrf = await settings.GetAsync(CsrfKey, cancellationToken).ConfigureAwait(false);
        if (cookie is null || csrf is null) return null;
        if (string.IsNullOrWhiteSpace(cookie.Value.Value) || string.IsNullOrWhiteSpace(csrf.Value.Value)) return null;
        var updated = cookie.Value.UpdatedAt > csrf.Value.UpdatedAt ? cookie.Value.UpdatedAt : csrf.Value.UpdatedAt;
        return new CredentialsSnapshot(new AgendaCredentials(cookie.Value.Value.Trim(), csrf.Value.Value.Trim()), updated, "bot");
    }
}

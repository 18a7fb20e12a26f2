namespace PassportBot.Agenda.Simulator.Hosting;

/// <summary>The demo's credentials: whatever the built-in simulator accepts now, so no user login is needed.</summary>
public sealed class SimulatorCredentialSource(AgendaSimulator simulator) : IAgendaCredentialSource
{
    public Task<CredentialsSnapshot?> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<CredentialsSnapshot?>(new CredentialsSnapshot(simulator.Credentials, simulator.CredentialStore.IssuedAt, "agenda simulator"));
}

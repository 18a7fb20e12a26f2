using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Agenda.Simulator.Server;
using PassportBot.Agenda.Simulator.World;

namespace PassportBot.Agenda.Simulator;

/// <summary>How to build an <see cref="AgendaSimulator"/>.</summary>
public sealed class AgendaSimulatorSettings
{
    /// <summary>0: any free port.</summary>
    public int Port { get; set; }
    public string Host { get; set; } = "127.0.0.1";
    public int Seed { get; set; } = 20231219;
    /// <summary>The world's clock (tests pass a FakeTimeProvider).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>Initial session cookie value (JSESSIONID) and CSRF token; random when null.</summary>
    public string? SessionId { get; set; }
    public string? CsrfToken { get; set; }
    public PlacesSemantics PlacesSemantics { get; set; } = PlacesSemantics.TotalIsFree;
    /// <summary>Offices to serve; the embedded December 2023 catalogue when null.</summary>
    public IReadOnlyList<SimulatedOffice>? Offices { get; set; }
    public EvolutionSettings Evolution { get; set; } = new();
}

/// <summary>A real HTTP server (Kestrel) speaking the police agenda API: endpoints A, B, C and the sceltaComune
/// page, on a world with a controllable clock and seeded randomness, with faults on demand.</summary>
public sealed class AgendaSimulator : IAsyncDisposable, IDisposable
{
    private readonly AgendaSimulatorSettings settings;
    private readonly SemaphoreSlim startGate = new(1, 1);
    // Ends slow responses at shutdown instead of holding the server open until their delay is over.
    private readonly CancellationTokenSource stopping = new();
    private WebApplication? app;
    private string? baseUrl;
    private bool disposed;

    public AgendaSimulator(AgendaSimulatorSettings? settings = null)
    {
        this.settings = settings ?? new AgendaSimulatorSettings();
        World = new AgendaWorld(this.settings.Time, this.settings.Seed, this.settings.Offices, this.settings.Evolution);
        CredentialStore = new SimulatorCredentials(this.settings.Time, this.settings.SessionId, this.settings.CsrfToken);
        PlacesSemantics = this.settings.PlacesSemantics;
    }

    public AgendaWorld World { get; }

    public SimulatorFaults Faults { get; } = new();

    public SimulatorCalls Calls { get; } = new();

    public SimulatorCredentials CredentialStore { get; }

    /// <summary>The cookie and CSRF token the site accepts now.</summary>
    public AgendaCredentials Credentials => CredentialStore.Current;

    public PlacesSemantics PlacesSemantics { get; set; }

    /// <summary>"http://127.0.0.1:PORT", once started.</summary>
    public string BaseUrl => baseUrl ?? throw new InvalidOperationException("The agenda simulator is not started.");

    public bool IsStarted => baseUrl is not null;

    /// <summary>Logs in again: the old cookie and token get 403 from now on. Returns the new valid pair.</summary>
    public AgendaCredentials RotateCredentials() => CredentialStore.Rotate();

    /// <summary>Same cookie, new CSRF token (served by the sceltaComune page); the old token gets 403.</summary>
    public AgendaCredentials RotateCsrfToken() => CredentialStore.RotateCsrfToken();

    /// <summary>Starts listening (idempotent) and returns <see cref="BaseUrl"/>.</summary>
    public async Task<string> StartAsync(CancellationToken cancellationToken = default)
    {
        await startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (baseUrl is not null) return baseUrl;
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Parse(settings.Host), settings.Port));
            var built = builder.Build();
            var handler = new AgendaRequestHandler(World, CredentialStore, Faults, Calls, new MunicipalityDirectory(World.Offices), () => PlacesSemantics, stopping.Token);
            built.Run(handler.HandleAsync);
            await built.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = built.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            app = built;
            baseUrl = address.TrimEnd('/');
            return baseUrl;
        }
        finally
        {
            startGate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (app is null) return;
        await stopping.CancelAsync().ConfigureAwait(false);
        await app.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>For containers disposed synchronously; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        await stopping.CancelAsync().ConfigureAwait(false);
        if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
        app = null;
        startGate.Dispose();
        stopping.Dispose();
    }
}

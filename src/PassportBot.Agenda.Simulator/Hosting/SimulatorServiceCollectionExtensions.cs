using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Simulator.Hosting;

public static class SimulatorServiceCollectionExtensions
{
    /// <summary>The built-in agenda simulator for <c>passportbot demo</c>: started with the host (section "Simulator"),
    /// evolving with real time, and wired into the agenda client — <see cref="AgendaOptions.BaseUrl"/> points at it and
    /// its credentials come from <see cref="SimulatorCredentialSource"/>, so no user credentials are needed.
    /// Call together with <c>AddAgendaClient</c>.</summary>
    public static IServiceCollection AddAgendaSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection(SimulatorOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<SimulatorOptions>>().Value;
            var simulator = new AgendaSimulator(new AgendaSimulatorSettings
            {
                Port = o.Port,
                Host = o.Host,
                Seed = o.Seed,
                Time = sp.GetRequiredService<TimeProvider>(),
                PlacesSemantics = o.PlacesSemantics,
            });
            simulator.World.Populate(o.PopulateProvinces, o.PopulateDays);
            if (o.BookableAnyHour)
                foreach (var office in simulator.World.Offices) simulator.World.SetBookableFrom(office.Id, TimeOnly.MinValue);
            if (o.HostileAnswer != Server.HostileAnswer.None) simulator.Faults.Serve(o.HostileAnswer, int.MaxValue);
            return simulator;
        });
        services.AddHostedService<AgendaSimulatorHostedService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgendaCredentialSource, SimulatorCredentialSource>());

        // The client's base URL is only known once the server listens (port 0), and options are read before hosted
        // services start, so the server is started here, on first use of AgendaOptions. Start is idempotent.
        services.AddOptions<AgendaOptions>().PostConfigure<AgendaSimulator>((agenda, simulator) =>
        {
            agenda.BaseUrl = simulator.StartAsync().GetAwaiter().GetResult();
            agenda.CookieFile = null;
            agenda.CsrfTokenFile = null;
            agenda.Cookie = null;
            agenda.CsrfToken = null;
        });
        return services;
    }
}

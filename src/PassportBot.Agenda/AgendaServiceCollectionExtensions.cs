using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PassportBot.Agenda.Credentials;
using PassportBot.Agenda.Http;
using PassportBot.Agenda.Scanning;

namespace PassportBot.Agenda;

public static class AgendaServiceCollectionExtensions
{
    /// <summary>The agenda client, credentials, session and province scanner, configured from section "Agenda".
    /// More <see cref="IAgendaCredentialSource"/>s may be added with
    /// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;IAgendaCredentialSource, X&gt;())</c>.</summary>
    public static IServiceCollection AddAgendaClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AgendaOptions>().Bind(configuration.GetSection(AgendaOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AgendaOptions>, AgendaOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgendaCredentialSource, FileCredentialSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgendaCredentialSource, InlineCredentialSource>());
        services.TryAddSingleton<AgendaSession>();
        services.TryAddSingleton<IAgendaSession>(sp => sp.GetRequiredService<AgendaSession>());

        services.TryAddSingleton<AgendaRetryPipeline>();
        services.TryAddSingleton<AgendaRequestGate>();
        services.AddHttpClient<IAgendaClient, AgendaClient>((sp, http) =>
            {
                http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AgendaOptions>>().Value.BaseUrl, UriKind.Absolute);
                // Each attempt has its own timeout (AgendaOptions.RequestTimeout) in AgendaRetryPipeline.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect to the login page is how the site says the session ended: see it, do not follow it.
                AllowAutoRedirect = false,
                // The Cookie header is the user's copied string, sent verbatim.
                UseCookies = false,
                // BoundedBody decompresses, with caps on the bytes received and produced (a gzip bomb stays harmless).
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // Handlers already recycle connections (PooledConnectionLifetime); this lets singletons hold the client.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The client says what failed in its own words; request logs would only repeat URLs.
            .RemoveAllLoggers();
        services.TryAddTransient<IProvinceScanner, ProvinceScanner>();
        return services;
    }
}

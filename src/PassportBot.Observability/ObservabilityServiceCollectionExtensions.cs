using System.Collections;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace PassportBot.Observability;

public static class ObservabilityServiceCollectionExtensions
{
    /// <summary>Makes the standard <c>OTEL_*</c> environment variables (endpoint, protocol, headers, service name)
    /// visible to OpenTelemetry, whose exporters read them from configuration under their own names.</summary>
    public static IConfigurationBuilder AddOpenTelemetryEnvironment(this IConfigurationBuilder configuration)
    {
        var variables = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase))
                variables[key] = entry.Value as string;
        }
        return variables.Count == 0 ? configuration : configuration.AddInMemoryCollection(variables);
    }

    /// <summary>Metrics (ours, ASP.NET Core, HttpClient, runtime) for the Prometheus endpoint and, when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, OTLP; traces when an endpoint or <c>Observability:Tracing</c> asks.</summary>
    /// <param name="serviceName">OpenTelemetry <c>service.name</c>: the role(s) this process hosts.</param>
    public static IServiceCollection AddPassportBotObservability(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        if (services.Any(d => d.ServiceType == typeof(ObservabilityMarker))) return services;
        services.AddSingleton<ObservabilityMarker>();
        services.AddOptions<ObservabilityOptions>().Bind(configuration.GetSection(ObservabilityOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ObservabilityOptions>, ObservabilityOptionsValidator>());

        // OpenTelemetry's own variable, not a setting of ours: whether an exporter is added at all is decided here.
        var otlp = !string.IsNullOrWhiteSpace(configuration[ObservabilityOptions.OtlpEndpointVariable]);
        var version = typeof(ObservabilityServiceCollectionExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName, serviceVersion: version))
            .WithMetrics(m => m
                .AddMeter(PassportBotTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());

        builder.WithTracing(t => ((IDeferredTracerProviderBuilder)t
            .AddSource(PassportBotTelemetry.Name)
            // Before any exporter, so nothing leaves the process with a token in it.
            .AddProcessor(new SecretScrubbingProcessor())
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation(o =>
            {
                // The Bot API URL holds the token; the dispatcher's own "send" span describes the call instead.
                o.FilterHttpRequestMessage = request => request.RequestUri is not { } uri || SecretScrubbingProcessor.Scrub(uri.AbsolutePath) is null;
            }))
            // Observability:Tracing, or by default whether a collector is named: without either, nothing is
            // sampled, so no span is recorded (a root span is not even created).
            .Configure((sp, b) =>
            {
                if (!(sp.GetRequiredService<IOptions<ObservabilityOptions>>().Value.Tracing ?? otlp)) b.SetSampler(new AlwaysOffSampler());
            }));
        services.AddOptions<AspNetCoreTraceInstrumentationOptions>().Configure<IOptions<ObservabilityOptions>>((o, observability) =>
        {
            var metricsPath = observability.Value.MetricsPath;
            o.Filter = context => !IsPlumbing(context.Request.Path, metricsPath);
        });

        if (otlp) builder.UseOtlpExporter();
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint (<c>Observability:MetricsPath</c>, default <c>/metrics</c>).</summary>
    public static IEndpointRouteBuilder MapPassportBotMetrics(this IEndpointRouteBuilder endpoints)
    {
        var path = endpoints.ServiceProvider.GetRequiredService<IOptions<ObservabilityOptions>>().Value.MetricsPath;
        endpoints.MapPrometheusScrapingEndpoint(path);
        return endpoints;
    }

    private static bool IsPlumbing(PathString path, string metricsPath) =>
        path.StartsWithSegments(metricsPath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase);

    private sealed class ObservabilityMarker;
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PassportBot.Storage;
using PassportBot.Web.Api;
using PassportBot.Web.Dashboard;
using PassportBot.Web.Health;
using PassportBot.Web.Live;

namespace PassportBot.Web;

public static class WebServiceCollectionExtensions
{
    private const string StorageHealthCheckName = "storage";

    /// <summary>Status API, dashboard and the "storage" health check. Needs the storage services
    /// (<see cref="IDashboardQueries"/>, <see cref="IStorageMigrator"/>) registered by the storage component.
    /// Other components add their own checks with <c>services.AddHealthChecks().AddCheck(...)</c>.</summary>
    public static IServiceCollection AddPassportBotWeb(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebOptions>, WebOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReadCache>();
        services.TryAddSingleton<DashboardAssets>();
        services.TryAddSingleton<FreshnessProbe>();
        if (!services.Any(d => d.ServiceType == typeof(LiveSlotFeed)))
        {
            services.AddSingleton<LiveSlotFeed>();
            services.AddHostedService(sp => sp.GetRequiredService<LiveSlotFeed>());
        }
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "PassportBot status API";
            document.Info.Description = "Read-only: open and gone passport appointment slots, provinces, offices, insights, freshness and live events. No personal data.";
            return Task.CompletedTask;
        }));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default));

        services.TryAddSingleton(sp => new StorageProviderName(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider.Trim()));

        services.AddHealthChecks().AddCheck<StorageHealthCheck>(StorageHealthCheckName, failureStatus: HealthStatus.Unhealthy);
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<WebOptions>>((health, web) =>
        {
            foreach (var registration in health.Registrations.Where(r => r.Name == StorageHealthCheckName))
                registration.Timeout = web.Value.HealthCheckTimeout;
        });
        return services;
    }

    /// <summary>Gives each configuration error its own line at start instead of one generic message.</summary>
    private sealed class WebOptionsValidator : IValidateOptions<WebOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebOptions options)
        {
            var errors = WebOptions.Validate(options).ToArray();
            return errors.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Targets;

namespace PassportBot.Workers;

public static class ServiceCollectionExtensions
{
    /// <summary>Options and helpers every worker role shares.</summary>
    public static IServiceCollection AddWorkerCore(this IServiceCollection services, IConfiguration configuration)
    {
        // Every role calls this.
        if (services.Any(d => d.ServiceType == typeof(WorkerCoreMarker))) return services;
        services.AddSingleton<WorkerCoreMarker>();
        services.AddOptions<WorkersOptions>().Bind(configuration.GetSection(WorkersOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkersOptions>, WorkersOptionsValidator>());
        // Admin alerts go to Telegram:AdminChatIds.
        services.AddTelegramOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<FanOutSignal>();
        services.TryAddSingleton<FanOutExpander>();
        // Webhook and ntfy targets the availability handler fans out to, beside subscribers.
        services.AddNotificationTargetOptions(configuration);
        // Province channels get their posts in the poll's transaction too.
        services.AddTelegramChannels(configuration);
        services.TryAddSingleton<ChannelPostBudget>();
        services.TryAddSingleton<ChannelFanOut>();
        return services;
    }

    /// <summary>The poller role (needs the agenda client, storage and bus registered).</summary>
    public static IServiceCollection AddPoller(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerCore(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAgendaCredentialSource, SettingsCredentialSource>());
        services.TryAddSingleton<PollerStatus>();
        services.TryAddSingleton<AdminAlerts>();
        services.AddHostedService<PollerService>();
        services.AddHealthChecks().AddCheck<PollerHealthCheck>("poller");
        return services;
    }

    /// <summary>The availability handler role, with the fan-out expander and the outbox relay that publish what it writes.</summary>
    public static IServiceCollection AddAvailabilityHandler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerCore(configuration);
        services.TryAddSingleton<AvailabilityHandler>();
        services.AddHostedService<AvailabilityHandlerService>();
        if (!services.Any(d => d.ImplementationType == typeof(FanOutExpanderService))) services.AddHostedService<FanOutExpanderService>();
        services.AddOutboxRelay(configuration);
        // The role that writes slot history also prunes it.
        if (!services.Any(d => d.ImplementationType == typeof(RetentionService))) services.AddHostedService<RetentionService>();
        return services;
    }

    public static IServiceCollection AddOutboxRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerCore(configuration);
        if (services.Any(d => d.ImplementationType == typeof(OutboxRelayService))) return services;
        services.AddHostedService<OutboxRelayService>();
        return services;
    }

    public static IServiceCollection AddNewUserHandler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddWorkerCore(configuration);
        services.TryAddSingleton<NewUserHandler>();
        services.AddHostedService<NewUserHandlerService>();
        return services;
    }

    private sealed class WorkerCoreMarker;
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Targets.Channels;
using PassportBot.Telegram;

namespace PassportBot.Targets;

public static class TargetsServiceCollectionExtensions
{
    public const string HttpClientName = "notification-targets";

    /// <summary>The configured targets (<c>Notifications:*</c>, validated at start), for whoever fans out to them.</summary>
    public static IServiceCollection AddNotificationTargetOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(NotificationTargets))) return services;
        services.AddOptions<NotificationTargetsOptions>().Bind(configuration.GetSection(NotificationTargetsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NotificationTargetsOptions>, NotificationTargetsOptionsValidator>());
        services.TryAddSingleton(sp => new NotificationTargets(sp.GetRequiredService<IOptions<NotificationTargetsOptions>>()));
        return services;
    }

    /// <summary>The <c>Telegram</c> section, bound to <see cref="TelegramOptions"/> here and nowhere else, validated
    /// at start. The bot, the dispatcher, the channels, the admin alerts and the watch all take it from here.</summary>
    public static IServiceCollection AddTelegramOptions(this IServiceCollection services, IConfiguration configuration)
    {
        // Binding twice would append array settings (AdminChatIds) twice.
        if (services.Any(d => d.ServiceType == typeof(TelegramOptionsMarker))) return services;
        services.AddSingleton<TelegramOptionsMarker>();
        services.AddOptions<TelegramOptions>().Bind(configuration.GetSection(TelegramOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>());
        return services;
    }

    /// <summary>The province channels (<c>Telegram:Channels</c>, validated at start), for the fan-out, the dispatcher
    /// and the bot.</summary>
    public static IServiceCollection AddTelegramChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTelegramOptions(configuration);
        services.TryAddSingleton(sp => new TelegramChannels(sp.GetRequiredService<IOptions<TelegramOptions>>()));
        return services;
    }

    /// <summary>The senders and the consumer of the <c>targets</c> queue (needs a bus).</summary>
    public static IServiceCollection AddNotificationTargets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNotificationTargetOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        // URLs may carry secrets and ntfy tokens travel in a header: no request logging. The per-request
        // timeout is ours (Notifications:Timeout), so the client's own is off.
        services.AddHttpClient(HttpClientName).ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.TryAddSingleton(sp => new WebhookSender(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.TryAddSingleton(sp => new NtfySender(sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.TryAddSingleton<TargetDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TargetDispatcherService>());
        return services;
    }

    private sealed class TelegramOptionsMarker;
}

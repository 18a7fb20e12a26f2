using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda.Credentials;
using PassportBot.Messaging.Hosting;
using PassportBot.Telegram.Bot;
using PassportBot.Telegram.Dispatching;
using PassportBot.Telegram.Sending;
using PassportBot.Targets;

namespace PassportBot.Telegram;

public static class TelegramServiceCollectionExtensions
{
    /// <summary><see cref="INotifier"/>: the Bot API when <c>Telegram:Token</c> is set, the console otherwise.</summary>
    public static IServiceCollection AddTelegramNotifier(this IServiceCollection services, IConfiguration configuration)
    {
        AddTelegramCore(services, configuration);
        services.TryAddSingleton<INotifier>(sp => sp.GetRequiredService<IOptions<TelegramOptions>>().Value.HasToken
            ? ActivatorUtilities.CreateInstance<TelegramNotifier>(sp)
            : new ConsoleNotifier(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>The dispatcher: consumes <c>message</c> and sends under the rate limits, with the "dispatcher" health
    /// check. Needs a bus and storage. Without <c>Telegram:Token</c> it only starts on the in-process bus.</summary>
    public static IServiceCollection AddDispatcher(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTelegramNotifier(configuration);
        services.AddBusOptions(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, DispatcherOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
            return new SendRateLimiter(SendRateLimits.For(o.RateLimitEnabled ? o.EffectiveMessagesPerSecond : null, o.PerChatInterval,
                o.GroupMessagesPerMinute), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<DispatcherMetrics>();
        services.AddTelegramChannels(configuration);
        services.TryAddSingleton<ChannelPauses>();
        services.TryAddSingleton<MessageDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DispatcherService>());
        // Webhooks and ntfy are delivered beside Telegram, from their own queue.
        services.AddNotificationTargets(configuration);
        if (!services.Any(d => d.ServiceType == typeof(DispatcherHealthCheck)))
        {
            services.TryAddSingleton<DispatcherHealthCheck>();
            services.AddHealthChecks().AddCheck<DispatcherHealthCheck>(DispatcherHealthCheck.Name, tags: [DispatcherHealthCheck.Name]);
        }
        return services;
    }

    /// <summary>The interactive bot (long polling). Without a token it only logs a warning at start.</summary>
    public static IServiceCollection AddTelegramBot(this IServiceCollection services, IConfiguration configuration)
    {
        AddTelegramCore(services, configuration);
        if (services.Any(d => d.ServiceType == typeof(BotConversation))) return services;
        services.TryAddSingleton(sp => new BotReplies(
            sp.GetRequiredService<TelegramClientFactory>().CreateForSending(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<BotReplies>>()));
        services.AddTelegramChannels(configuration);
        services.TryAddSingleton<ChannelInviteLinks>();
        services.TryAddSingleton<BotConversation>();
        services.TryAddSingleton<AdminCommands>();
        services.TryAddSingleton<OfficeLookup>();
        services.TryAddSingleton<TownLookupLimiter>();
        services.TryAddSingleton<FilterConversation>();
        services.TryAddSingleton<TextCommandHandler>();
        services.TryAddSingleton<CallbackQueryHandler>();
        services.TryAddSingleton<BotUpdateHandler>();
        // Decided when the host starts, from the bound options (a token given inline or read from Telegram:TokenFile).
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<IOptions<TelegramOptions>>().Value.HasToken
            ? ActivatorUtilities.CreateInstance<BotPollingService>(sp)
            : ActivatorUtilities.CreateInstance<BotDisabledNotice>(sp));
        return services;
    }

    private static void AddTelegramCore(IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(TelegramClientFactory))) return;
        services.AddTelegramOptions(configuration);
        // Telegram:TokenFile, cleaned like the agenda token files; a file that cannot be read is one line naming it
        // (never its content), reported with the section's other problems.
        services.AddOptions<TelegramOptions>().PostConfigure<ILoggerFactory>((o, logs) =>
            o.ReadTokenFile(path => SecretFile.Read(path, headerName: null, logs.CreateLogger(typeof(TelegramOptions).FullName!))));
        services.TryAddSingleton(TimeProvider.System);

        // The token is part of every request URL: HttpClient's request logging would write it out.
        services.AddHttpClient(TelegramClientFactory.SendingClient)
            .ConfigureHttpClient((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<TelegramOptions>>().Value.RequestTimeout)
            .RemoveAllLoggers();
        services.AddHttpClient(TelegramClientFactory.PollingClient)
            .ConfigureHttpClient((sp, c) => c.Timeout = sp.GetRequiredService<IOptions<TelegramOptions>>().Value.PollingTimeout + TimeSpan.FromSeconds(15))
            .RemoveAllLoggers();
        services.TryAddSingleton<TelegramClientFactory>();
    }
}

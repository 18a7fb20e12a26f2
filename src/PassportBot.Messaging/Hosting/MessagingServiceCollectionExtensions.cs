using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PassportBot.Messaging.InMemory;

namespace PassportBot.Messaging.Hosting;

public static class MessagingServiceCollectionExtensions
{
    /// <summary>Binds <c>Bus:*</c> to <see cref="BusOptions"/>, validated at start.</summary>
    public static IServiceCollection AddBusOptions(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(BusOptionsMarker))) return services;
        services.AddSingleton<BusOptionsMarker>();
        services.AddOptions<BusOptions>().Bind(configuration.GetSection(BusOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BusOptions>, BusOptionsValidator>());
        return services;
    }

    /// <summary>The in-process transport (<c>Bus:Provider = memory</c>): one bus shared by every role of the process.</summary>
    public static IServiceCollection AddInMemoryBus(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryMessageBus>();
        services.TryAddSingleton<IMessageBus>(sp => sp.GetRequiredService<InMemoryMessageBus>());
        services.TryAddSingleton<IDeadLetterQueue>(sp => sp.GetRequiredService<InMemoryMessageBus>());
        services.TryAddSingleton<IBusHealth>(sp => sp.GetRequiredService<InMemoryMessageBus>());
        return services;
    }

    /// <summary>Adds the <c>bus</c> health check (broker connectivity) to <c>/health</c>.</summary>
    public static IHealthChecksBuilder AddBusHealthCheck(this IHealthChecksBuilder builder, string name = "bus") =>
        builder.AddCheck<BusHealthCheck>(name, tags: ["bus"]);

    private sealed class BusOptionsMarker;
}

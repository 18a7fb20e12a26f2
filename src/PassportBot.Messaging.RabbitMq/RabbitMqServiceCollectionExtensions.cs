using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PassportBot.Messaging.InMemory;
using PassportBot.Messaging.Hosting;
using PassportBot.Messaging.RabbitMq;

namespace PassportBot.Messaging;

public static class RabbitMqServiceCollectionExtensions
{
    /// <summary>The RabbitMQ transport (<c>Bus:Provider = rabbitmq</c>, <c>Bus:ConnectionString</c>, <c>Bus:QueuePrefix</c>).</summary>
    public static IServiceCollection AddRabbitMqBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBusOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RabbitMqMessageBus>();
        services.TryAddSingleton<IMessageBus>(sp => sp.GetRequiredService<RabbitMqMessageBus>());
        services.TryAddSingleton<IDeadLetterQueue>(sp => sp.GetRequiredService<RabbitMqMessageBus>());
        services.TryAddSingleton<IBusHealth>(sp => sp.GetRequiredService<RabbitMqMessageBus>());
        return services;
    }
}

public static class PassportBotBusServiceCollectionExtensions
{
    /// <summary>
    /// The bus chosen by <c>Bus:Provider</c> (memory | rabbitmq). Registers <see cref="IMessageBus"/>,
    /// <see cref="IDeadLetterQueue"/> and <see cref="IBusHealth"/>; the transport is picked from the validated
    /// <see cref="BusOptions"/> when first asked for, so a wrong configuration fails with the other settings at start.
    /// </summary>
    public static IServiceCollection AddPassportBotBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBusOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InMemoryMessageBus>();
        services.TryAddSingleton<RabbitMqMessageBus>();
        services.TryAddSingleton(Chosen<IMessageBus>);
        services.TryAddSingleton(Chosen<IDeadLetterQueue>);
        services.TryAddSingleton(Chosen<IBusHealth>);
        return services;
    }

    // Both transports implement all three services; only the chosen one is ever created.
    private static T Chosen<T>(IServiceProvider sp) where T : class =>
        sp.GetRequiredService<IOptions<BusOptions>>().Value.IsRabbitMq
            ? (T)(object)sp.GetRequiredService<RabbitMqMessageBus>()
            : (T)(object)sp.GetRequiredService<InMemoryMessageBus>();
}

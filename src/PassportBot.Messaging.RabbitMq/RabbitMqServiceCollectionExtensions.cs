using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
    /// <see cref="IDeadLetterQueue"/> and <see cref="IBusHealth"/>; a wrong configuration throws
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> here, before anything starts.
    /// </summary>
    public static IServiceCollection AddPassportBotBus(this IServiceCollection services, IConfiguration configuration)
    {
        var options = BusOptionsValidator.BindAndValidate(configuration);
        return options.Provider.Trim().Equals(BusProviders.RabbitMq, StringComparison.OrdinalIgnoreCase)
            ? services.AddRabbitMqBus(configuration)
            : services.AddBusOptions(configuration).AddInMemoryBus();
    }
}

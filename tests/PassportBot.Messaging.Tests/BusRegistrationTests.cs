using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using PassportBot.Messaging.Hosting;
using PassportBot.Messaging.InMemory;
using PassportBot.Messaging.RabbitMq;
using PassportBot.Messaging.Tests.Support;

namespace PassportBot.Messaging.Tests;

public sealed class BusRegistrationTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static ServiceProvider Build(IConfiguration configuration)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPassportBotBus(configuration);
        services.AddHealthChecks().AddBusHealthCheck();
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>A wrong bus section fails when the host starts (the start-up validation) or the bus is first asked for,
    /// whichever comes first; no transport is created from it.</summary>
    private static OptionsValidationException Fails(IConfiguration configuration)
    {
        using var provider = Build(configuration);
        var atStart = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IMessageBus>());
        Assert.Equal(atStart.Failures, error.Failures);
        return error;
    }

    [Fact]
    public async Task Memory_IsTheDefault_AndOneInstanceServesEveryInterface()
    {
        await using var provider = Build(Config());

        var bus = provider.GetRequiredService<IMessageBus>();
        Assert.IsType<InMemoryMessageBus>(bus);
        Assert.Same(bus, provider.GetRequiredService<IDeadLetterQueue>());
        Assert.Same(bus, provider.GetRequiredService<IBusHealth>());
        Assert.Equal(HealthStatus.Healthy, (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task RabbitMq_IsChosenByProvider_AndReportsHealthyAgainstTheRealBroker()
    {
        var server = await RabbitMqServer.UriAsync();
        await using var provider = Build(Config(("Bus:Provider", "RabbitMQ"), ("Bus:ConnectionString", server.ToString()), ("Bus:QueuePrefix", "health_")));

        var bus = provider.GetRequiredService<IMessageBus>();
        Assert.IsType<RabbitMqMessageBus>(bus);
        Assert.Same(bus, provider.GetRequiredService<IDeadLetterQueue>());
        Assert.Equal(HealthStatus.Healthy, (await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Status);
    }

    [Fact]
    public async Task RabbitMq_ThatCannotBeReached_IsUnhealthy()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        await using var provider = Build(Config(("Bus:Provider", "rabbitmq"), ("Bus:ConnectionString", "amqp://guest:guest@127.0.0.1:1/")));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.False(await provider.GetRequiredService<IBusHealth>().IsConnectedAsync(CancellationToken.None));
    }

    [Fact]
    public void UnknownProvider_IsAClearValidationError()
    {
        var error = Fails(Config(("Bus:Provider", "kafka")));
        Assert.Contains("Bus:Provider 'kafka' is not supported", error.Message);
        Assert.Contains("memory, rabbitmq", error.Message);
    }

    [Fact]
    public void RabbitMq_WithoutConnectionString_IsAClearValidationError()
    {
        var error = Fails(Config(("Bus:Provider", "rabbitmq")));
        Assert.Contains("Bus:ConnectionString is required", error.Message);
    }

    [Fact]
    public void RabbitMq_WithAWrongUri_IsRejectedWithoutEchoingThePassword()
    {
        var error = Fails(Config(("Bus:Provider", "rabbitmq"), ("Bus:ConnectionString", "http://pb:s3cr3t@127.0.0.1:5672/")));
        Assert.Contains("amqp://", error.Message);
        Assert.DoesNotContain("s3cr3t", error.Message);
    }

    [Fact]
    public async Task OptionsAreValidatedAtStartToo()
    {
        var services = new ServiceCollection().AddBusOptions(Config(("Bus:Provider", "rabbitmq"), ("Bus:QueuePrefix", "has space")));
        await using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BusOptions>>().Value);
        Assert.Contains("Bus:ConnectionString is required", error.Message);
        Assert.Contains("Bus:QueuePrefix", error.Message);
    }
}

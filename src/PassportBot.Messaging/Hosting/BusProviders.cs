namespace PassportBot.Messaging.Hosting;

/// <summary>Values of <c>Bus:Provider</c>.</summary>
public static class BusProviders
{
    public const string Memory = "memory";
    public const string RabbitMq = "rabbitmq";

    public static IReadOnlyList<string> All { get; } = [Memory, RabbitMq];
}

namespace PassportBot.Messaging;

/// <summary>A named queue carrying messages of one type.</summary>
public sealed record QueueDescriptor<T>(string Name)
{
    public override string ToString() => Name;
}

public static class Queues
{
    public static readonly QueueDescriptor<SubscriptionRequest> NewUser = new("new_user");
    public static readonly QueueDescriptor<AvailabilityUpdate> NewAvailabilities = new("new_availabilities");
    public static readonly QueueDescriptor<OutgoingMessage> Message = new("message");

    public static IReadOnlyList<string> AllNames { get; } = [NewUser.Name, NewAvailabilities.Name, Message.Name];
}

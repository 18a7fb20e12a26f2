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

    /// <summary>Notifications for webhooks and ntfy: their own queue and consumer, so a slow or dead receiver never
    /// holds up Telegram.</summary>
    public static readonly QueueDescriptor<OutgoingMessage> Targets = new("targets");

    public static IReadOnlyList<string> AllNames { get; } = [NewUser.Name, NewAvailabilities.Name, Message.Name, Targets.Name];

    /// <summary>The queue that delivers to <paramref name="recipient"/>: <see cref="Message"/> for Telegram,
    /// <see cref="Targets"/> for webhooks and ntfy.</summary>
    public static QueueDescriptor<OutgoingMessage> For(Recipient? recipient) =>
        recipient?.Kind is RecipientKind.Webhook or RecipientKind.Ntfy ? Targets : Message;
}

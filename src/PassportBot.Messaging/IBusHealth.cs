namespace PassportBot.Messaging;

/// <summary>Whether the bus can currently reach its transport (for <c>/health</c>).</summary>
public interface IBusHealth
{
    Task<bool> IsConnectedAsync(CancellationToken cancellationToken);
}

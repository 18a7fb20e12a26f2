namespace PassportBot.Targets;

/// <summary>The outcome of one delivery attempt to a webhook or ntfy target.</summary>
public abstract record TargetSendResult
{
    private TargetSendResult()
    {
    }

    /// <summary>The receiver answered 2xx.</summary>
    public sealed record Delivered : TargetSendResult;

    /// <summary>5xx, 408, 429, a timeout or a network error: worth trying again later.</summary>
    public sealed record Transient(string Description) : TargetSendResult;

    /// <summary>Any other answer (4xx): trying again would get the same answer.</summary>
    public sealed record Rejected(string Description) : TargetSendResult;
}

namespace PassportBot.Watch.Push;

/// <summary>What became of one message.</summary>
public abstract record ChatSendResult
{
    private ChatSendResult() { }

    public sealed record Sent : ChatSendResult;

    /// <summary>429: wait <paramref name="Delay"/> before sending anything.</summary>
    public sealed record RetryAfter(TimeSpan Delay) : ChatSendResult;

    /// <summary>5xx, timeout, network: the same message may go through later.</summary>
    public sealed record Transient(string Description) : ChatSendResult;

    /// <summary>Wrong token, unknown or blocked chat, refused message: retrying cannot help.</summary>
    public sealed record Rejected(string Description) : ChatSendResult;
}

/// <summary>Sends an HTML message to the one chat of the watch.</summary>
public interface IChatSender
{
    Task<ChatSendResult> SendHtmlAsync(string html, CancellationToken cancellationToken);
}

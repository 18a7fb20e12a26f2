namespace PassportBot.Telegram.Sending;

/// <summary>What became of one send. The dispatcher decides what to do with each kind.</summary>
public abstract record SendResult
{
    private SendResult() { }

    public sealed record Sent(int MessageId) : SendResult;

    /// <summary>429: nothing may be sent for <paramref name="Delay"/>.</summary>
    public sealed record RetryAfter(TimeSpan Delay) : SendResult;

    /// <summary>The chat is gone (blocked, deactivated, kicked, not found): stop writing to it.</summary>
    public sealed record ChatUnavailable(string Reason) : SendResult;

    /// <summary>Telegram refused the request itself; retrying the same request cannot help.</summary>
    public sealed record BadRequest(string Description) : SendResult
    {
        public bool IsEntityParseError => Description.Contains("can't parse entities", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>401/404: the token was revoked or is wrong, or the API URL is: nothing can be sent until the operator
    /// fixes the configuration. Not the message's fault.</summary>
    public sealed record Unauthorized(string Description) : SendResult;

    /// <summary>5xx, timeout or network failure: the same request may succeed later.</summary>
    public sealed record Transient(string Description) : SendResult;
}

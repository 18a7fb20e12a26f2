namespace PassportBot.Telegram;

/// <summary>Configuration section "Telegram".</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";
    public const string DefaultApiBaseUrl = "https://api.telegram.org";

    /// <summary>Telegram's free broadcast ceiling; above it only paid broadcast is allowed.</summary>
    public const int FreeBroadcastLimit = 30;

    /// <summary>Bot token from BotFather. Secret: never logged. Empty = no Telegram (console output).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token, read at start when <see cref="Token"/> is empty (a mounted secret, or a
    /// file readable by the service alone).</summary>
    public string? TokenFile { get; set; }

    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Private chats allowed to use /cookie, /csrf and /status, and that receive alerts.</summary>
    public long[] AdminChatIds { get; set; } = [];

    /// <summary>Global sending rate of the dispatcher.</summary>
    public int MaxMessagesPerSecond { get; set; } = 25;

    /// <summary>Off only for a self-hosted Bot API server or benchmarks: no global token bucket.</summary>
    public bool RateLimitEnabled { get; set; } = true;

    /// <summary>Minimum spacing between messages to one private chat.</summary>
    public TimeSpan PerChatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per minute to one group (negative chat id).</summary>
    public int GroupMessagesPerMinute { get; set; } = 20;

    /// <summary>Sends with allow_paid_broadcast (0.1 Stars per message) and lets the rate exceed 30/s.</summary>
    public bool PaidBroadcast { get; set; }

    public int PaidBroadcastMessagesPerSecond { get; set; } = 1000;

    /// <summary>Long-polling timeout of getUpdates.</summary>
    public TimeSpan PollingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one sending request (sendMessage, edits, answers).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>In-process retries of a send after a transient failure, before the bus redelivers it.</summary>
    public int TransientRetries { get; set; } = 3;

    /// <summary>First delay between transient retries; doubles each time.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Parallel sends of the dispatcher; null = derived from the rate.</summary>
    public int? DispatcherConcurrency { get; set; }

    /// <summary>Messages the dispatcher takes from the queue ahead of sending (its prefetch), among which channel
    /// posts, alerts and replies are sent before direct messages; null = <see cref="DefaultDispatcherWindow"/>.
    /// A priority message queued behind more direct messages than this waits until the window reaches it.</summary>
    public int? DispatcherWindow { get; set; }

    /// <summary>The whole fan-out of one slot in a 10,000-subscriber province.</summary>
    public const int DefaultDispatcherWindow = 10_000;

    public int EffectiveDispatcherWindow => Math.Max(DispatcherWindow ?? DefaultDispatcherWindow, EffectiveDispatcherConcurrency);

    /// <summary>The dispatcher's limits.</summary>
    public Sending.SendRateLimits SendRateLimits =>
        Sending.SendRateLimits.For(RateLimitEnabled ? EffectiveMessagesPerSecond : null, PerChatInterval, GroupMessagesPerMinute);

    public bool HasToken => !string.IsNullOrWhiteSpace(Token);

    public bool IsAdmin(long chatId) => chatId > 0 && AdminChatIds.Contains(chatId);

    /// <summary>The global rate in force (paid broadcast allows more).</summary>
    public int EffectiveMessagesPerSecond =>
        PaidBroadcast ? Math.Min(MaxMessagesPerSecond, PaidBroadcastMessagesPerSecond) : MaxMessagesPerSecond;

    public int EffectiveDispatcherConcurrency =>
        DispatcherConcurrency ?? (RateLimitEnabled ? Math.Clamp(EffectiveMessagesPerSecond / 2, 8, 256) : 64);

    public override string ToString() =>
        $"Telegram {{ Token = {(HasToken ? "***" : "(none)")}, ApiBaseUrl = {ApiBaseUrl}, Admins = {AdminChatIds.Length}, " +
        $"MaxMessagesPerSecond = {MaxMessagesPerSecond}, RateLimitEnabled = {RateLimitEnabled}, PaidBroadcast = {PaidBroadcast} }}";
}

namespace PassportBot.Telegram;

/// <summary>Configuration section "Telegram": the bot, the dispatcher, the province channels, the admin alerts and the
/// watch's push all read this one type. It lives in the targets project because every one of them references it.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Telegram";
    public const string DefaultApiBaseUrl = "https://api.telegram.org";

    /// <summary>Telegram's free broadcast ceiling; above it only paid broadcast is allowed.</summary>
    public const int FreeBroadcastLimit = 30;

    public const int DefaultMaxMessagesPerSecond = 25;
    public const int DefaultPaidBroadcastMessagesPerSecond = 1000;

    /// <summary>Telegram's paid broadcast ceiling.</summary>
    public const int MaxPaidBroadcastMessagesPerSecond = 1000;

    public static readonly TimeSpan DefaultPerChatInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxPerChatInterval = TimeSpan.FromMinutes(1);

    /// <summary>Telegram's limit for one group or channel.</summary>
    public const int DefaultGroupMessagesPerMinute = 20;
    public const int MaxGroupMessagesPerMinute = 60;

    public static readonly TimeSpan DefaultPollingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The Bot API holds a long poll for at most 50 seconds.</summary>
    public static readonly TimeSpan MaxPollingTimeout = TimeSpan.FromSeconds(50);

    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MinRequestTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(2);

    public const int DefaultTransientRetries = 3;
    public const int MaxTransientRetries = 10;
    public static readonly TimeSpan DefaultTransientRetryDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan MaxTransientRetryDelay = TimeSpan.FromMinutes(1);
    /// <summary>Below the HTTP client's one-minute idle timeout, so the pooled connection never lapses.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(45);
    public static readonly TimeSpan MinKeepAliveInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxKeepAliveInterval = TimeSpan.FromHours(1);

    public const int MaxDispatcherConcurrency = 1024;

    /// <summary>The whole fan-out of one slot in a 10,000-subscriber province.</summary>
    public const int DefaultDispatcherWindow = 10_000;
    public const int MaxDispatcherWindow = 20_000;

    /// <summary>Telegram's limit for one group or channel.</summary>
    public const int DefaultPostsPerMinute = DefaultGroupMessagesPerMinute;
    public const int MaxPostsPerMinute = 60;

    public const string DefaultChannelLanguage = "it";

    /// <summary>Bot token from BotFather. Secret: never logged. Empty = no Telegram (console output).</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the token, read at start when <see cref="Token"/> is empty (a mounted secret, or a
    /// file readable by the service alone).</summary>
    public string? TokenFile { get; set; }

    public string ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>Private chats allowed to use /cookie, /csrf and /status, and that receive alerts.</summary>
    public long[] AdminChatIds { get; set; } = [];

    /// <summary>Global sending rate of the dispatcher.</summary>
    public int MaxMessagesPerSecond { get; set; } = DefaultMaxMessagesPerSecond;

    /// <summary>Off only for a self-hosted Bot API server or benchmarks: no global token bucket.</summary>
    public bool RateLimitEnabled { get; set; } = true;

    /// <summary>Minimum spacing between messages to one private chat.</summary>
    public TimeSpan PerChatInterval { get; set; } = DefaultPerChatInterval;

    /// <summary>Messages per minute to one group (negative chat id).</summary>
    public int GroupMessagesPerMinute { get; set; } = DefaultGroupMessagesPerMinute;

    /// <summary>Sends with allow_paid_broadcast (0.1 Stars per message) and lets the rate exceed 30/s.</summary>
    public bool PaidBroadcast { get; set; }

    public int PaidBroadcastMessagesPerSecond { get; set; } = DefaultPaidBroadcastMessagesPerSecond;

    /// <summary>Long-polling timeout of getUpdates.</summary>
    public TimeSpan PollingTimeout { get; set; } = DefaultPollingTimeout;

    /// <summary>Timeout of one sending request (sendMessage, edits, answers).</summary>
    public TimeSpan RequestTimeout { get; set; } = DefaultRequestTimeout;

    /// <summary>In-process retries of a send after a transient failure, before the bus redelivers it.</summary>
    public int TransientRetries { get; set; } = DefaultTransientRetries;

    /// <summary>First delay between transient retries; doubles each time.</summary>
    public TimeSpan TransientRetryDelay { get; set; } = DefaultTransientRetryDelay;

    /// <summary>After this long without a send the dispatcher asks the Bot API for <c>getMe</c>, so its connection
    /// (TCP and TLS) is open when the next fan-out starts; zero switches it off.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = DefaultKeepAliveInterval;

    /// <summary>Parallel sends of the dispatcher; null = derived from the rate.</summary>
    public int? DispatcherConcurrency { get; set; }

    /// <summary>Messages the dispatcher takes from the queue ahead of sending (its prefetch), among which channel
    /// posts, alerts and replies are sent before direct messages; null = <see cref="DefaultDispatcherWindow"/>.
    /// A priority message queued behind more direct messages than this waits until the window reaches it.</summary>
    public int? DispatcherWindow { get; set; }

    /// <summary>Province broadcast channels: <c>Telegram:Channels:&lt;PROVINCE&gt;</c> is a channel's chat id
    /// (<c>-100…</c>) or its <c>@username</c>; several provinces may name the same channel.</summary>
    public Dictionary<string, string> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The language of every channel post: <c>it</c> (default) or <c>en</c>.</summary>
    public string ChannelLanguage { get; set; } = DefaultChannelLanguage;

    /// <summary>Channels (as written in <see cref="Channels"/>) that also get a post when announced slots are gone.</summary>
    public string[] ChannelGonePosts { get; set; } = [];

    /// <summary>Posts one channel may receive in any minute; offices of a poll are merged into fewer posts to stay
    /// within it.</summary>
    public int ChannelPostsPerMinute { get; set; } = DefaultPostsPerMinute;

    /// <summary>Why <see cref="TokenFile"/> gave no token, for the validator (never the file's content).</summary>
    public string? TokenFileProblem { get; private set; }

    public int EffectiveDispatcherWindow => Math.Max(DispatcherWindow ?? DefaultDispatcherWindow, EffectiveDispatcherConcurrency);

    public bool HasToken => !string.IsNullOrWhiteSpace(Token);

    public bool IsAdmin(long chatId) => chatId > 0 && AdminChatIds.Contains(chatId);

    /// <summary>The global rate in force (paid broadcast allows more).</summary>
    public int EffectiveMessagesPerSecond =>
        PaidBroadcast ? Math.Min(MaxMessagesPerSecond, PaidBroadcastMessagesPerSecond) : MaxMessagesPerSecond;

    public int EffectiveDispatcherConcurrency =>
        DispatcherConcurrency ?? (RateLimitEnabled ? Math.Clamp(EffectiveMessagesPerSecond / 2, 8, 256) : 64);

    /// <summary>Fills <see cref="Token"/> from <see cref="TokenFile"/> when no token is given directly; a file that
    /// cannot be read becomes <see cref="TokenFileProblem"/>. Only the processes that talk to the Bot API call this,
    /// so a role without the mounted secret does not fail on a shared <c>Telegram:TokenFile</c>.</summary>
    /// <param name="read">Reads and cleans the file; null when it holds nothing, <see cref="IOException"/> when it cannot.</param>
    public void ReadTokenFile(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (HasToken || string.IsNullOrWhiteSpace(TokenFile)) return;
        try
        {
            Token = read(TokenFile);
            if (Token is null) TokenFileProblem = $"Telegram:TokenFile '{TokenFile}' is empty.";
        }
        catch (IOException ex)
        {
            TokenFileProblem = $"Telegram:TokenFile: {ex.Message}";
        }
    }

    public override string ToString() =>
        $"Telegram {{ Token = {(HasToken ? "***" : "(none)")}, ApiBaseUrl = {ApiBaseUrl}, Admins = {AdminChatIds.Length}, " +
        $"MaxMessagesPerSecond = {MaxMessagesPerSecond}, RateLimitEnabled = {RateLimitEnabled}, PaidBroadcast = {PaidBroadcast} }}";
}

namespace PassportBot.Targets.Channels;

/// <summary>Province broadcast channels, read from the <c>Telegram</c> section: <c>Telegram:Channels:&lt;PROVINCE&gt;</c>
/// is a channel's chat id (<c>-100…</c>) or its <c>@username</c> (several provinces may name the same channel),
/// <c>Telegram:ChannelLanguage</c> the language of every post, <c>Telegram:ChannelGonePosts</c> the channels that
/// also get "no longer available" posts.</summary>
public sealed class TelegramChannelOptions
{
    public const string Section = "Telegram";

    /// <summary>Telegram's limit for one group or channel.</summary>
    public const int DefaultPostsPerMinute = 20;

    /// <summary>Province (Questura) code → channel.</summary>
    public Dictionary<string, string> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>it</c> (default) or <c>en</c>.</summary>
    public string ChannelLanguage { get; set; } = "it";

    /// <summary>Channels (as written in <see cref="Channels"/>) that also get a post when announced slots are gone.</summary>
    public string[] ChannelGonePosts { get; set; } = [];

    /// <summary>Posts one channel may receive in any minute; offices of a poll are merged into fewer posts to stay
    /// within it.</summary>
    public int ChannelPostsPerMinute { get; set; } = DefaultPostsPerMinute;
}

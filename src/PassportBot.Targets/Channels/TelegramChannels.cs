using System.Globalization;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Telegram;

namespace PassportBot.Targets.Channels;

/// <summary>The configured province channels, resolved once from <see cref="TelegramOptions"/>.</summary>
public sealed class TelegramChannels
{
    private readonly Dictionary<string, Recipient> _byProvince = new(StringComparer.Ordinal);
    private readonly HashSet<string> _gonePosts = new(StringComparer.OrdinalIgnoreCase);

    public TelegramChannels(IOptions<TelegramOptions> options)
        : this(options.Value)
    {
    }

    public TelegramChannels(TelegramOptions o)
    {
        // The validator has refused anything that does not normalise; such entries are skipped here.
        foreach (var (code, channel) in o.Channels)
        {
            if (ProvinceCatalog.TryNormalize(code, out var province) && TryNormalizeAddress(channel, out var address))
                _byProvince[province] = Recipient.TelegramChannel(address);
        }
        foreach (var channel in o.ChannelGonePosts ?? [])
            if (TryNormalizeAddress(channel, out var address)) _gonePosts.Add(address);
        Language = LanguageCodes.TryParse(o.ChannelLanguage, out var language) ? language : Language.Italian;
        PostsPerMinute = Math.Max(1, o.ChannelPostsPerMinute);
    }

    public bool IsEmpty => _byProvince.Count == 0;

    /// <summary>The language of every channel post.</summary>
    public Language Language { get; }

    public int PostsPerMinute { get; }

    /// <summary>The channel of <paramref name="province"/>, or null.</summary>
    public Recipient? For(string province) => _byProvince.GetValueOrDefault(province);

    /// <summary>The provinces posted to <paramref name="address"/>, in code order.</summary>
    public IReadOnlyList<string> ProvincesOf(string address) =>
        _byProvince.Where(kv => SameChannel(kv.Value.Address, address)).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether <paramref name="channel"/> also gets "gone" posts.</summary>
    public bool WantsGone(Recipient channel) => _gonePosts.Contains(channel.Address);

    /// <summary>How a reader finds the channel: <c>@username</c> or a t.me link for a public channel, null for a
    /// numeric id (a private channel's invite link is not known to the bot).</summary>
    public static string? PublicLink(Recipient channel) =>
        channel.Address.StartsWith('@') ? "https://t.me/" + channel.Address[1..] : null;

    /// <summary>A chat id (<c>-100…</c> or any negative id) or a public <c>@username</c> (5–32 letters, digits, _).</summary>
    public static bool TryNormalizeAddress(string? value, out string address)
    {
        address = "";
        var s = value?.Trim() ?? "";
        if (s.StartsWith('@'))
        {
            var name = s[1..];
            if (name.Length is < 5 or > 32 || !char.IsAsciiLetter(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                return false;
            address = s;
            return true;
        }
        if (!long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) || id >= 0) return false;
        address = id.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>Usernames are case-insensitive in Telegram.</summary>
    public static bool SameChannel(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}

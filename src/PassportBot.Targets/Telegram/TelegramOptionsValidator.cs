using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Targets.Channels;

namespace PassportBot.Telegram;

/// <summary>Fails start-up with every problem of the <c>Telegram</c> section at once, never echoing the token.</summary>
public sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    private const int MaxShown = 40;

    public ValidateOptionsResult Validate(string? name, TelegramOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (o.TokenFileProblem is { } problem)
            errors.Add(problem);
        if (o.HasToken && !LooksLikeToken(o.Token!))
            errors.Add("Telegram:Token is malformed (expected '<bot id>:<secret>' as BotFather gives it).");
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            errors.Add($"Telegram:ApiBaseUrl must be an absolute http(s) URL, got '{o.ApiBaseUrl}'.");
        if (o.AdminChatIds.Any(id => id <= 0))
            errors.Add("Telegram:AdminChatIds must be private chat ids (positive numbers).");
        if (o.PaidBroadcastMessagesPerSecond is < 1 or > TelegramOptions.MaxPaidBroadcastMessagesPerSecond)
            errors.Add($"Telegram:PaidBroadcastMessagesPerSecond must be between 1 and {TelegramOptions.MaxPaidBroadcastMessagesPerSecond}.");
        var ceiling = o.PaidBroadcast ? o.PaidBroadcastMessagesPerSecond : TelegramOptions.FreeBroadcastLimit;
        if (o.MaxMessagesPerSecond < 1 || o.MaxMessagesPerSecond > ceiling)
            errors.Add(o.PaidBroadcast
                ? $"Telegram:MaxMessagesPerSecond must be between 1 and {ceiling} (Telegram:PaidBroadcastMessagesPerSecond)."
                : $"Telegram:MaxMessagesPerSecond must be between 1 and {ceiling}; more needs Telegram:PaidBroadcast=true.");
        if (o.PerChatInterval < TimeSpan.Zero || o.PerChatInterval > TelegramOptions.MaxPerChatInterval)
            errors.Add("Telegram:PerChatInterval must be between 0 and 1 minute.");
        if (o.GroupMessagesPerMinute is < 1 or > TelegramOptions.MaxGroupMessagesPerMinute)
            errors.Add($"Telegram:GroupMessagesPerMinute must be between 1 and {TelegramOptions.MaxGroupMessagesPerMinute}.");
        if (o.PollingTimeout < TimeSpan.Zero || o.PollingTimeout > TelegramOptions.MaxPollingTimeout)
            errors.Add("Telegram:PollingTimeout must be between 0 and 50 seconds.");
        if (o.RequestTimeout < TelegramOptions.MinRequestTimeout || o.RequestTimeout > TelegramOptions.MaxRequestTimeout)
            errors.Add("Telegram:RequestTimeout must be between 1 second and 2 minutes.");
        if (o.TransientRetries is < 0 or > TelegramOptions.MaxTransientRetries)
            errors.Add($"Telegram:TransientRetries must be between 0 and {TelegramOptions.MaxTransientRetries}.");
        if (o.TransientRetryDelay < TimeSpan.Zero || o.TransientRetryDelay > TelegramOptions.MaxTransientRetryDelay)
            errors.Add("Telegram:TransientRetryDelay must be between 0 and 1 minute.");
        if (o.KeepAliveInterval != TimeSpan.Zero && (o.KeepAliveInterval < TelegramOptions.MinKeepAliveInterval || o.KeepAliveInterval > TelegramOptions.MaxKeepAliveInterval))
            errors.Add("Telegram:KeepAliveInterval must be 0 (off) or between 1 second and 1 hour.");
        if (o.DispatcherConcurrency is < 1 or > TelegramOptions.MaxDispatcherConcurrency)
            errors.Add($"Telegram:DispatcherConcurrency must be between 1 and {TelegramOptions.MaxDispatcherConcurrency}.");
        if (o.DispatcherWindow is < 1 or > TelegramOptions.MaxDispatcherWindow)
            errors.Add($"Telegram:DispatcherWindow must be between 1 and {TelegramOptions.MaxDispatcherWindow}.");
        ValidateChannels(o, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateChannels(TelegramOptions o, List<string> errors)
    {
        foreach (var (province, channel) in o.Channels)
        {
            if (!ProvinceCatalog.TryNormalize(province, out _))
                errors.Add($"Telegram:Channels:{Short(province)} is not a province code.");
            if (!TelegramChannels.TryNormalizeAddress(channel, out _))
                errors.Add($"Telegram:Channels:{Short(province)} must be a channel chat id (-100…) or an @username, got '{Short(channel)}'.");
        }
        foreach (var channel in o.ChannelGonePosts ?? [])
        {
            if (!TelegramChannels.TryNormalizeAddress(channel, out var address))
                errors.Add($"Telegram:ChannelGonePosts has '{Short(channel)}', which is not a channel chat id or @username.");
            else if (!o.Channels.Values.Any(c => TelegramChannels.TryNormalizeAddress(c, out var a) && TelegramChannels.SameChannel(a, address)))
                errors.Add($"Telegram:ChannelGonePosts names {address}, which no Telegram:Channels entry uses.");
        }
        if (!LanguageCodes.TryParse(o.ChannelLanguage, out _))
            errors.Add("Telegram:ChannelLanguage must be 'it' or 'en'.");
        if (o.ChannelPostsPerMinute is < 1 or > TelegramOptions.MaxPostsPerMinute)
            errors.Add($"Telegram:ChannelPostsPerMinute must be between 1 and {TelegramOptions.MaxPostsPerMinute}.");
    }

    private static bool LooksLikeToken(string token)
    {
        var colon = token.IndexOf(':');
        return colon > 0 && colon < token.Length - 1 && long.TryParse(token.AsSpan(0, colon), out _)
            && !token.Any(char.IsWhiteSpace);
    }

    private static string Short(string? s) => s is null ? "(null)" : s.Length <= MaxShown ? s : s[..MaxShown] + "…";
}

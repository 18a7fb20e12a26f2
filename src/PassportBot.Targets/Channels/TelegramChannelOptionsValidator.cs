using Microsoft.Extensions.Options;
using PassportBot.Domain;

namespace PassportBot.Targets.Channels;

/// <summary>Fails start-up with every problem of the channel settings at once.</summary>
internal sealed class TelegramChannelOptionsValidator : IValidateOptions<TelegramChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramChannelOptions o)
    {
        var errors = new List<string>();
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
        if (o.ChannelPostsPerMinute is < 1 or > 60)
            errors.Add("Telegram:ChannelPostsPerMinute must be between 1 and 60.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Short(string? s) => s is null ? "(null)" : s.Length <= 40 ? s : s[..40] + "…";
}

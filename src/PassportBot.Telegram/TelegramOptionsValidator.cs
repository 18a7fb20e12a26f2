using Microsoft.Extensions.Options;

namespace PassportBot.Telegram;

/// <summary>Fails start-up with every configuration problem at once, never echoing the token.</summary>
internal sealed class TelegramOptionsValidator : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions o)
    {
        var errors = new List<string>();
        if (o.HasToken && !LooksLikeToken(o.Token!))
            errors.Add("Telegram:Token is malformed (expected '<bot id>:<secret>' as BotFather gives it).");
        if (!Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            errors.Add($"Telegram:ApiBaseUrl must be an absolute http(s) URL, got '{o.ApiBaseUrl}'.");
        if (o.AdminChatIds.Any(id => id <= 0))
            errors.Add("Telegram:AdminChatIds must be private chat ids (positive numbers).");
        if (o.PaidBroadcastMessagesPerSecond is < 1 or > 1000)
            errors.Add("Telegram:PaidBroadcastMessagesPerSecond must be between 1 and 1000.");
        var ceiling = o.PaidBroadcast ? o.PaidBroadcastMessagesPerSecond : TelegramOptions.FreeBroadcastLimit;
        if (o.MaxMessagesPerSecond < 1 || o.MaxMessagesPerSecond > ceiling)
            errors.Add(o.PaidBroadcast
                ? $"Telegram:MaxMessagesPerSecond must be between 1 and {ceiling} (Telegram:PaidBroadcastMessagesPerSecond)."
                : $"Telegram:MaxMessagesPerSecond must be between 1 and {ceiling}; more needs Telegram:PaidBroadcast=true.");
        if (o.PerChatInterval < TimeSpan.Zero || o.PerChatInterval > TimeSpan.FromMinutes(1))
            errors.Add("Telegram:PerChatInterval must be between 0 and 1 minute.");
        if (o.GroupMessagesPerMinute is < 1 or > 60)
            errors.Add("Telegram:GroupMessagesPerMinute must be between 1 and 60.");
        if (o.PollingTimeout < TimeSpan.Zero || o.PollingTimeout > TimeSpan.FromSeconds(50))
            errors.Add("Telegram:PollingTimeout must be between 0 and 50 seconds.");
        if (o.RequestTimeout < TimeSpan.FromSeconds(1) || o.RequestTimeout > TimeSpan.FromMinutes(2))
            errors.Add("Telegram:RequestTimeout must be between 1 second and 2 minutes.");
        if (o.TransientRetries is < 0 or > 10)
            errors.Add("Telegram:TransientRetries must be between 0 and 10.");
        if (o.TransientRetryDelay < TimeSpan.Zero || o.TransientRetryDelay > TimeSpan.FromMinutes(1))
            errors.Add("Telegram:TransientRetryDelay must be between 0 and 1 minute.");
        if (o.DispatcherConcurrency is < 1 or > 1024)
            errors.Add("Telegram:DispatcherConcurrency must be between 1 and 1024.");
        if (o.DispatcherWindow is < 1 or > 20_000)
            errors.Add("Telegram:DispatcherWindow must be between 1 and 20000.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool LooksLikeToken(string token)
    {
        var colon = token.IndexOf(':');
        return colon > 0 && colon < token.Length - 1 && long.TryParse(token.AsSpan(0, colon), out _)
            && !token.Any(char.IsWhiteSpace);
    }
}

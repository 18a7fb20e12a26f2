using Microsoft.Extensions.Options;
using PassportBot.Domain;

namespace PassportBot.Targets;

/// <summary>Fails start-up with every problem of <c>Notifications:*</c> at once; never echoes a URL, secret or token
/// (a URL may carry a secret in its path).</summary>
internal sealed class NotificationTargetsOptionsValidator : IValidateOptions<NotificationTargetsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationTargetsOptions o)
    {
        var errors = new List<string>();
        foreach (var (key, webhook) in o.Webhooks)
        {
            var at = $"Notifications:Webhooks:{key}";
            if (!IsHttpUrl(webhook.Url)) errors.Add($"{at}:Url must be an absolute http(s) URL.");
            if (string.IsNullOrWhiteSpace(webhook.Secret)) errors.Add($"{at}:Secret is required (it signs every request).");
            CheckProvinces(at, webhook.Provinces, errors);
        }
        foreach (var (key, ntfy) in o.Ntfy)
        {
            var at = $"Notifications:Ntfy:{key}";
            if (!IsHttpUrl(ntfy.Url)) errors.Add($"{at}:Url must be an absolute http(s) topic URL, e.g. https://ntfy.sh/my-topic.");
            if (ntfy.Language is { Length: > 0 } language && !LanguageCodes.TryParse(language, out _))
                errors.Add($"{at}:Language must be 'it' or 'en'.");
            CheckProvinces(at, ntfy.Provinces, errors);
        }
        if (o.Timeout <= TimeSpan.Zero || o.Timeout > NotificationTargetsOptions.MaxTimeout)
            errors.Add("Notifications:Timeout must be between 0 and 2 minutes.");
        if (o.RetryDelay < TimeSpan.Zero || o.RetryDelay > NotificationTargetsOptions.MaxRetryDelay)
            errors.Add("Notifications:RetryDelay must be between 0 and 1 hour.");
        if (o.MaxAttempts is < 1 or > NotificationTargetsOptions.MaxMaxAttempts)
            errors.Add($"Notifications:MaxAttempts must be between 1 and {NotificationTargetsOptions.MaxMaxAttempts}.");
        if (o.Concurrency is < 1 or > NotificationTargetsOptions.MaxConcurrency)
            errors.Add($"Notifications:Concurrency must be between 1 and {NotificationTargetsOptions.MaxConcurrency}.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsHttpUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    private static void CheckProvinces(string at, IEnumerable<string>? provinces, List<string> errors)
    {
        var unknown = (provinces ?? [])
            .SelectMany(p => (p ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
            .Where(code => !ProvinceCatalog.TryNormalize(code, out _))
            .ToList();
        if (unknown.Count > 0)
            errors.Add($"{at}:Provinces has unknown province codes: {string.Join(", ", unknown.Select(u => u.Length <= 10 ? u : u[..10] + "…"))}.");
    }
}

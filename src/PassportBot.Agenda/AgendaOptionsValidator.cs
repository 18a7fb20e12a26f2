using Microsoft.Extensions.Options;

namespace PassportBot.Agenda;

/// <summary>Checks <c>Agenda:*</c> at start so a typo fails the host with a clear message instead of a poll loop.</summary>
public sealed class AgendaOptionsValidator : IValidateOptions<AgendaOptions>
{
    public ValidateOptionsResult Validate(string? name, AgendaOptions o)
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(o.BaseUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
            errors.Add($"Agenda:BaseUrl must be an absolute http(s) URL (got '{o.BaseUrl}').");
        if (o.PollInterval < AgendaOptions.MinPollInterval) errors.Add($"Agenda:PollInterval must be at least 1 second (got {o.PollInterval}).");
        if (o.ExpiredRetryInterval < AgendaOptions.MinExpiredRetryInterval) errors.Add($"Agenda:ExpiredRetryInterval must be at least 1 second (got {o.ExpiredRetryInterval}).");
        if (o.MonthsAhead is < 1 or > AgendaOptions.MaxMonthsAhead) errors.Add($"Agenda:MonthsAhead must be between 1 and {AgendaOptions.MaxMonthsAhead} (got {o.MonthsAhead}).");
        if (o.MaxConcurrency < 1) errors.Add($"Agenda:MaxConcurrency must be at least 1 (got {o.MaxConcurrency}).");
        if (o.RequestTimeout <= TimeSpan.Zero) errors.Add($"Agenda:RequestTimeout must be positive (got {o.RequestTimeout}).");
        if (o.MaxRetries is < 0 or > AgendaOptions.MaxMaxRetries) errors.Add($"Agenda:MaxRetries must be between 0 and {AgendaOptions.MaxMaxRetries} (got {o.MaxRetries}).");
        if (o.RetryBaseDelay < TimeSpan.Zero) errors.Add($"Agenda:RetryBaseDelay must not be negative (got {o.RetryBaseDelay}).");
        if (o.PageSize < 1) errors.Add($"Agenda:PageSize must be at least 1 (got {o.PageSize}).");
        if (o.ScheduledLookAhead < TimeSpan.Zero) errors.Add($"Agenda:ScheduledLookAhead must not be negative (got {o.ScheduledLookAhead}).");
        if (!Enum.IsDefined(o.PlacesMode)) errors.Add($"Agenda:PlacesMode must be Total or TotalMinusTaken (got {o.PlacesMode}).");
        if (string.IsNullOrWhiteSpace(o.UserAgent)) errors.Add("Agenda:UserAgent must not be empty.");
        // Never echo the values: only say which setting is wrong.
        if (string.IsNullOrWhiteSpace(o.Cookie) != string.IsNullOrWhiteSpace(o.CsrfToken))
            errors.Add("Agenda:Cookie and Agenda:CsrfToken must be given together.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

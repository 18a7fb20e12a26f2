using Microsoft.Extensions.Options;

namespace PassportBot.Observability;

/// <summary>Fails start-up with every problem of <c>Observability:*</c> at once.</summary>
internal sealed class ObservabilityOptionsValidator : IValidateOptions<ObservabilityOptions>
{
    public ValidateOptionsResult Validate(string? name, ObservabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.SampleInterval <= TimeSpan.Zero) errors.Add("Observability:SampleInterval must be positive.");
        if (options.MetricsPath is null || !options.MetricsPath.StartsWith('/')) errors.Add("Observability:MetricsPath must start with '/'.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

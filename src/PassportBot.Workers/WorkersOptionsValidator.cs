using Microsoft.Extensions.Options;

namespace PassportBot.Workers;

/// <summary>Fails start-up with every problem of <c>Workers:*</c> at once.</summary>
internal sealed class WorkersOptionsValidator : IValidateOptions<WorkersOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkersOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        if (o.GraceWindow < TimeSpan.Zero) errors.Add("Workers:GraceWindow must not be negative.");
        Range(nameof(o.MissesToClose), o.MissesToClose, WorkersOptions.MaxMissesToClose, errors);
        if (o.PollerTick <= TimeSpan.Zero) errors.Add("Workers:PollerTick must be positive.");
        Range(nameof(o.PollConcurrency), o.PollConcurrency, WorkersOptions.MaxPollConcurrency, errors);
        Range(nameof(o.AvailabilityConcurrency), o.AvailabilityConcurrency, WorkersOptions.MaxAvailabilityConcurrency, errors);
        Range(nameof(o.RelayBatchSize), o.RelayBatchSize, WorkersOptions.MaxRelayBatchSize, errors);
        Range(nameof(o.RelayConcurrency), o.RelayConcurrency, WorkersOptions.MaxRelayConcurrency, errors);
        Range(nameof(o.FanOutChunkSize), o.FanOutChunkSize, WorkersOptions.MaxFanOutChunkSize, errors);
        Range(nameof(o.FanOutConcurrency), o.FanOutConcurrency, WorkersOptions.MaxFanOutConcurrency, errors);
        if (o.FanOutLease <= TimeSpan.Zero) errors.Add("Workers:FanOutLease must be positive.");
        if (o.FanOutPollInterval <= TimeSpan.Zero) errors.Add("Workers:FanOutPollInterval must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Range(string key, int value, int max, List<string> errors)
    {
        if (value < 1 || value > max) errors.Add($"Workers:{key} must be between 1 and {max}.");
    }
}

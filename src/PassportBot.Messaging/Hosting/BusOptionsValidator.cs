using Microsoft.Extensions.Options;

namespace PassportBot.Messaging.Hosting;

/// <summary>Validates <c>Bus:*</c> at start; messages never echo the connection string (it may hold a password).</summary>
public sealed class BusOptionsValidator : IValidateOptions<BusOptions>
{
    public ValidateOptionsResult Validate(string? name, BusOptions options)
    {
        var failures = new List<string>();
        var provider = options.Provider?.Trim() ?? "";
        if (!BusProviders.All.Contains(provider, StringComparer.OrdinalIgnoreCase))
        {
            failures.Add($"Bus:Provider '{provider}' is not supported; use one of: {string.Join(", ", BusProviders.All)}.");
        }
        else if (provider.Equals(BusProviders.RabbitMq, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                failures.Add("Bus:ConnectionString is required when Bus:Provider is 'rabbitmq' (amqp://user:password@host:5672/vhost).");
            else if (!Uri.TryCreate(options.ConnectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
                failures.Add("Bus:ConnectionString must be an amqp:// or amqps:// URI.");
        }

        if (options.QueuePrefix is null || options.QueuePrefix.Length > BusOptions.MaxQueuePrefixLength || options.QueuePrefix.Any(char.IsWhiteSpace))
            failures.Add($"Bus:QueuePrefix must be at most {BusOptions.MaxQueuePrefixLength} characters without whitespace.");

        if (options.DeadLetterMaxLength is < BusOptions.MinDeadLetterMaxLength or > BusOptions.MaxDeadLetterMaxLength)
            failures.Add($"Bus:DeadLetterMaxLength must be between {BusOptions.MinDeadLetterMaxLength} and {BusOptions.MaxDeadLetterMaxLength:N0} (default {QueueTopology.DeadLetterMaxLength:N0}).");

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

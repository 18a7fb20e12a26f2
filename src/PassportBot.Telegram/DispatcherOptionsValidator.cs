using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;

namespace PassportBot.Telegram;

/// <summary>A dispatcher without a token prints messages to the console and acknowledges them. Harmless in the
/// embedded demo; on a shared broker it would silently swallow messages meant for other machines' users.</summary>
internal sealed class DispatcherOptionsValidator(IOptions<BusOptions> bus) : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? provider;
        try
        {
            provider = bus.Value.Provider?.Trim();
        }
        catch (OptionsValidationException)
        {
            // The bus section's own validation reports it; once is enough.
            return ValidateOptionsResult.Success;
        }
        return !options.HasToken && string.Equals(provider, BusProviders.RabbitMq, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail(
                "Telegram:Token is empty but Bus:Provider is 'rabbitmq': a dispatcher on a shared broker needs Telegram:Token; " +
                "the console notifier is only for the embedded demo.")
            : ValidateOptionsResult.Success;
    }
}

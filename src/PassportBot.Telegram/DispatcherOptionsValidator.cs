using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;

namespace PassportBot.Telegram;

/// <summary>A dispatcher without a token prints messages to the console and acknowledges them. Harmless in the
/// embedded demo; on a shared broker it would silently swallow messages meant for other machines' users.</summary>
internal sealed class DispatcherOptionsValidator(IConfiguration configuration) : IValidateOptions<TelegramOptions>
{
    public ValidateOptionsResult Validate(string? name, TelegramOptions options)
    {
        var bus = configuration[$"{BusOptions.Section}:{nameof(BusOptions.Provider)}"]?.Trim();
        return !options.HasToken && string.Equals(bus, BusProviders.RabbitMq, StringComparison.OrdinalIgnoreCase)
            ? ValidateOptionsResult.Fail(
                "Telegram:Token is empty but Bus:Provider is 'rabbitmq': a dispatcher on a shared broker needs Telegram:Token; " +
                "the console notifier is only for the embedded demo.")
            : ValidateOptionsResult.Success;
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PassportBot.Telegram.Bot;

/// <summary>Stands in for the bot when no token is configured, so the missing bot is visible in the log.</summary>
internal sealed partial class BotDisabledNotice(ILogger<BotDisabledNotice> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogDisabled();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram:Token is not set: the Telegram bot is not running (messages go to the console).")]
    private partial void LogDisabled();
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain.Texts;
using PassportBot.Resilience;
using PassportBot.Telegram.Sending;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace PassportBot.Telegram.Bot;

/// <summary>Long polling with the real client: deleteWebhook and setMyCommands at start, then getUpdates
/// in a loop. Failures back off (up to a minute) and never stop the host.</summary>
public sealed partial class BotPollingService(
    TelegramClientFactory clients,
    BotUpdateHandler handler,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<BotPollingService> logger) : BackgroundService
{
    private static readonly UpdateType[] AllowedUpdates = [UpdateType.Message, UpdateType.CallbackQuery];
    private static readonly ExponentialBackoff Backoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    private readonly ITelegramBotClient _client = clients.CreateForPolling();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // A webhook would make getUpdates fail with 409; keep pending updates so nothing users sent is lost.
            await RetryUntilDoneAsync("deleteWebhook", ct => _client.DeleteWebhook(dropPendingUpdates: false, cancellationToken: ct), stoppingToken);
            await SetCommandsAsync(stoppingToken);
            LogStarted();
            await PollAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The command menu is a convenience: failing to set it must not keep the bot from answering.</summary>
    private async Task SetCommandsAsync(CancellationToken ct)
    {
        try
        {
            await _client.SetMyCommands(Commands(TextCatalog.It), cancellationToken: ct);
            await _client.SetMyCommands(Commands(TextCatalog.It), languageCode: "it", cancellationToken: ct);
            await _client.SetMyCommands(Commands(TextCatalog.En), languageCode: "en", cancellationToken: ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPollFailure(e);
        }
    }

    private async Task PollAsync(CancellationToken ct)
    {
        var timeoutSeconds = (int)options.Value.PollingTimeout.TotalSeconds;
        int? offset = null;
        // Each getUpdates starts the series afresh: one answer resets the back-off.
        var retry = Backoff.Pipeline(time, _ => true, (e, _, _) => LogPollFailure(e));
        while (!ct.IsCancellationRequested)
        {
            var updates = await retry.ExecuteAsync(async c =>
                await _client.GetUpdates(offset, limit: 100, timeout: timeoutSeconds, allowedUpdates: AllowedUpdates, cancellationToken: c), ct);

            foreach (var update in updates)
            {
                // Confirm before handling: an update that crashes the handler must not be fetched forever.
                offset = update.Id + 1;
                await handler.HandleAsync(update, ct);
            }
        }
    }

    private async Task RetryUntilDoneAsync(string what, Func<CancellationToken, Task> action, CancellationToken ct) =>
        await Backoff.Pipeline(time, _ => true, (e, _, delay) =>
        {
            LogPollFailure(e);
            LogRetrying(what, delay.TotalSeconds);
        }).ExecuteAsync(async c => await action(c), ct);

    private void LogPollFailure(Exception e)
    {
        switch (e)
        {
            case ApiRequestException { ErrorCode: 401 }:
                LogUnauthorized();
                break;
            case ApiRequestException { ErrorCode: 409 }:
                LogConflict();
                break;
            case ApiRequestException { ErrorCode: 429 } api:
                LogRateLimited(api.Parameters?.RetryAfter ?? 0);
                break;
            default:
                // Only the type and Telegram's description: exception messages never carry the token, but
                // request URLs would, and they are not logged anywhere.
                LogTransient(e.GetType().Name, e.Message);
                break;
        }
    }

    private static IEnumerable<BotCommand> Commands(TextCatalog catalog) =>
        catalog.Bot.Commands.Select(t => new BotCommand { Command = t.Command, Description = t.Description });

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram bot polling for updates")]
    private partial void LogStarted();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Telegram rejected the bot token (401 Unauthorized): check Telegram:Token. Retrying with backoff.")]
    private partial void LogUnauthorized();

    [LoggerMessage(Level = LogLevel.Error, Message = "Telegram answered 409 Conflict: another instance is polling with this token, or a webhook is set. Retrying with backoff.")]
    private partial void LogConflict();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram rate-limited polling (retry after {Seconds} s)")]
    private partial void LogRateLimited(int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling Telegram failed: {Type}: {Error}")]
    private partial void LogTransient(string type, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram {What} will be retried in {Seconds} s")]
    private partial void LogRetrying(string what, double seconds);
}

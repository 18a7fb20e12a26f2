using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;

namespace PassportBot.Targets;

/// <summary>Consumes the <c>targets</c> queue. Competing consumers (no single active one: targets have no shared
/// rate limit), with their own concurrency, separate from Telegram's dispatcher.</summary>
public sealed partial class TargetDispatcherService(
    IMessageBus bus,
    TargetDispatcher dispatcher,
    IOptions<NotificationTargetsOptions> options,
    TimeProvider time,
    ILogger<TargetDispatcherService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    public ConsumerOptions ConsumerOptions { get; } = new()
    {
        MaxConcurrency = options.Value.Concurrency,
        Prefetch = options.Value.Concurrency * 2,
        MaxAttempts = options.Value.MaxAttempts,
        RetryDelay = options.Value.RetryDelay,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var consumer = await bus.ConsumeAsync(Queues.Targets, dispatcher.DispatchAsync, ConsumerOptions, stoppingToken).ConfigureAwait(false);
                LogStarted(ConsumerOptions.MaxConcurrency);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogConsumeFailed(e, backoff.TotalSeconds);
            }
            try
            {
                await Task.Delay(backoff, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming the targets queue ({Concurrency} deliveries at once)")]
    private partial void LogStarted(int concurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not consume the targets queue; retrying in {Seconds} s")]
    private partial void LogConsumeFailed(Exception exception, double seconds);
}

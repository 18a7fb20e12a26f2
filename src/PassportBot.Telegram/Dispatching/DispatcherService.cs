using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Consumes the <c>message</c> queue and hands each message to the <see cref="MessageDispatcher"/>.
/// One active consumer across processes, so the rate limits hold for the whole bot.</summary>
public sealed partial class DispatcherService(
    IMessageBus bus,
    MessageDispatcher dispatcher,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<DispatcherService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    public ConsumerOptions ConsumerOptions { get; } = new()
    {
        SingleActiveConsumer = true,
        MaxConcurrency = options.Value.EffectiveDispatcherConcurrency,
        Prefetch = options.Value.EffectiveDispatcherConcurrency * 2,
        MaxAttempts = 10,
        // The message already failed a few in-process retries: give Telegram a longer breath before the next round.
        RetryDelay = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, options.Value.TransientRetryDelay.Ticks * 10)),
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var consumer = await bus.ConsumeAsync(Queues.Message, dispatcher.DispatchAsync, ConsumerOptions, stoppingToken);
                LogStarted(ConsumerOptions.MaxConcurrency, options.Value.RateLimitEnabled ? options.Value.EffectiveMessagesPerSecond : null);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken);
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
                await Task.Delay(backoff, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatcher consuming the message queue ({Concurrency} parallel sends, global limit {Rate} msg/s)")]
    private partial void LogStarted(int concurrency, int? rate);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatcher could not consume the message queue; retrying in {Seconds} s")]
    private partial void LogConsumeFailed(Exception exception, double seconds);
}

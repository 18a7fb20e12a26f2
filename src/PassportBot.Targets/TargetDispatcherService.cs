using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Resilience;

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
    /// <summary>Pause before trying again to consume, while the broker is away.</summary>
    internal static readonly ExponentialBackoff ConsumeBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    public ConsumerOptions ConsumerOptions { get; } = new()
    {
        MaxConcurrency = options.Value.Concurrency,
        Prefetch = options.Value.Concurrency * 2,
        MaxAttempts = options.Value.MaxAttempts,
        RetryDelay = options.Value.RetryDelay,
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Runs until stopped: a consumer that started only ends with the host, so every retry is a failed start.
        await new ServiceRetry(ConsumeBackoff, time, (e, delay) => LogConsumeFailed(e, delay.TotalSeconds)).RunAsync(async ct =>
        {
            await using var consumer = await bus.ConsumeAsync(Queues.Targets, dispatcher.DispatchAsync, ConsumerOptions, ct).ConfigureAwait(false);
            LogStarted(ConsumerOptions.MaxConcurrency);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct).ConfigureAwait(false);
        }, stoppingToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consuming the targets queue ({Concurrency} deliveries at once)")]
    private partial void LogStarted(int concurrency);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not consume the targets queue; retrying in {Seconds} s")]
    private partial void LogConsumeFailed(Exception exception, double seconds);
}

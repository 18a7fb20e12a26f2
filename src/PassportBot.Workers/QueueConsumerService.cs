using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PassportBot.Messaging;
using PassportBot.Resilience;

namespace PassportBot.Workers;

/// <summary>Hosts one queue consumer for the life of the host; retries starting it while the broker is away.</summary>
public abstract partial class QueueConsumerService<T>(IMessageBus bus, TimeProvider time, ILogger logger) : BackgroundService
{
    /// <summary>Pause between attempts to start consuming while the broker is away.</summary>
    internal static readonly ExponentialBackoff StartBackoff = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

    protected abstract QueueDescriptor<T> Queue { get; }

    protected abstract ConsumerOptions Options { get; }

    protected abstract Task HandleAsync(T message, CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IAsyncDisposable? consumer = null;
        await new ServiceRetry(StartBackoff, time, (e, _) => LogStartFailed(Queue.Name, e))
            .RunAsync(async ct => consumer = await bus.ConsumeAsync(Queue, HandleAsync, Options, ct).ConfigureAwait(false), stoppingToken)
            .ConfigureAwait(false);

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (consumer is not null) await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not start consuming {Queue}; retrying")]
    private partial void LogStartFailed(string queue, Exception exception);
}

public sealed class AvailabilityHandlerService(IMessageBus bus, AvailabilityHandler handler, Microsoft.Extensions.Options.IOptions<WorkersOptions> options, TimeProvider time, ILogger<AvailabilityHandlerService> logger)
    : QueueConsumerService<AvailabilityUpdate>(bus, time, logger)
{
    protected override QueueDescriptor<AvailabilityUpdate> Queue => Queues.NewAvailabilities;

    protected override ConsumerOptions Options { get; } = new()
    {
        MaxConcurrency = options.Value.AvailabilityConcurrency,
        Prefetch = Math.Max(8, options.Value.AvailabilityConcurrency * 2),
    };

    protected override Task HandleAsync(AvailabilityUpdate message, CancellationToken cancellationToken) => handler.HandleAsync(message, cancellationToken);

    // The warm-up runs beside the consumer, not before it: a slow database never delays the start.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(handler.WarmUpAsync(stoppingToken), base.ExecuteAsync(stoppingToken));
}

public sealed class NewUserHandlerService(IMessageBus bus, NewUserHandler handler, TimeProvider time, ILogger<NewUserHandlerService> logger)
    : QueueConsumerService<SubscriptionRequest>(bus, time, logger)
{
    protected override QueueDescriptor<SubscriptionRequest> Queue => Queues.NewUser;

    // One at a time keeps a user's subscribe-then-unsubscribe in order.
    protected override ConsumerOptions Options { get; } = new() { MaxConcurrency = 1, Prefetch = 16 };

    protected override Task HandleAsync(SubscriptionRequest message, CancellationToken cancellationToken) => handler.HandleAsync(message, cancellationToken);
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Resilience;
using PassportBot.Storage;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Consumes the <c>message</c> queue and hands each message to the <see cref="MessageDispatcher"/>.
/// One active consumer across processes, so the rate limits hold for the whole bot. Sends are idempotent per
/// message id: ids of sent messages are recorded, and a copy delivered again (an outbox batch republished after a
/// relay crash, a redelivery after a dispatcher or broker restart) is dropped. What remains is the crash window
/// between Telegram's answer and the record: at most the sends in flight.
/// It takes a window of messages from the queue (<see cref="TelegramOptions.EffectiveDispatcherWindow"/>) but sends only
/// <see cref="TelegramOptions.EffectiveDispatcherConcurrency"/> at once; the <see cref="PriorityGate"/> lets channel
/// posts, alerts and replies of that window go before direct messages.</summary>
public sealed partial class DispatcherService(
    IMessageBus bus,
    MessageDispatcher dispatcher,
    ISentMessageStore sent,
    DispatcherMetrics metrics,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<DispatcherService> logger) : BackgroundService
{
    /// <summary>Pause before trying again to consume, while the broker is away.</summary>
    internal static readonly ExponentialBackoff ConsumeBackoff = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <summary>How long sent ids are remembered: longer than any redelivery path (retries are capped at an hour,
    /// a relay lease is seconds), short enough to keep the table small.</summary>
    public static readonly TimeSpan SentIdRetention = TimeSpan.FromDays(7);

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan RecordTimeout = TimeSpan.FromSeconds(5);
    private const int PruneBatch = 5_000;

    private readonly PriorityGate _gate = new(options.Value.EffectiveDispatcherConcurrency);

    /// <summary>The gate in front of every send (for tests and metrics).</summary>
    public PriorityGate Gate => _gate;

    public ConsumerOptions ConsumerOptions { get; } = new()
    {
        SingleActiveConsumer = true,
        // Every message of the window is handed to a handler at once; the gate decides which are sent first.
        MaxConcurrency = options.Value.EffectiveDispatcherWindow,
        Prefetch = options.Value.EffectiveDispatcherWindow,
        MaxAttempts = 10,
        // The message already failed a few in-process retries: give Telegram a longer breath before the next round.
        RetryDelay = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(100).Ticks, options.Value.TransientRetryDelay.Ticks * 10)),
    };

    /// <summary>How long the warm-up may take before it is given up.</summary>
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(10);

    // When the last message was handed to the dispatcher (TimeProvider timestamp), for the keep-alive.
    private long _lastDispatch = time.GetTimestamp();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(WarmUpAsync(stoppingToken), ConsumeAsync(stoppingToken), PruneLoopAsync(stoppingToken), KeepAliveLoopAsync(stoppingToken));

    /// <summary>New slots are rare: between fan-outs the pooled Bot API connection would lapse (idle timeout), and the
    /// first message of the next one, the most contested, would pay a new TCP and TLS handshake. After
    /// <see cref="TelegramOptions.KeepAliveInterval"/> without a message, a getMe keeps it open.</summary>
    private async Task KeepAliveLoopAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.KeepAliveInterval;
        if (interval <= TimeSpan.Zero) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var idle = time.GetElapsedTime(Interlocked.Read(ref _lastDispatch));
            try
            {
                if (idle < interval)
                {
                    await Task.Delay(interval - idle, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }
                Interlocked.Exchange(ref _lastDispatch, time.GetTimestamp());
                await dispatcher.KeepAliveAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The Bot API away or the token refused: the next send reports it properly.
                LogKeepAliveFailed(e.GetType().Name);
            }
        }
    }

    /// <summary>The first message after a start would otherwise pay for opening the database and Bot API connections
    /// and for compiling the send path: about a second on a loaded machine, when a new slot is most contested. Done
    /// beside the consumer, not before it, so a slow Bot API never delays the start.</summary>
    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(WarmUpTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            foreach (var language in Enum.GetValues<Domain.Language>())
                Sending.TelegramRendering.Render(MessageJson.Deserialize<OutgoingMessage>(MessageJson.Serialize(WarmUpSample(language))));
            await Task.WhenAll(sent.WasSentAsync("warm-up", linked.Token), dispatcher.WarmUpAsync(linked.Token)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Stopping, a slow Bot API or a database not there yet: the first real send opens what it needs.
            if (!stoppingToken.IsCancellationRequested) LogWarmUpFailed(e.GetType().Name);
        }
    }

    private static OutgoingMessage WarmUpSample(Domain.Language language) =>
        new("warm-up", Recipient.Telegram(1), OutgoingKind.New)
        {
            Language = language,
            Province = "TO",
            Offices = [Domain.Notifications.SampleOfficeSlots.On(new DateOnly(2027, 1, 4))],
        };

    private Task ConsumeAsync(CancellationToken stoppingToken) =>
        // Runs until stopped: a consumer that started only ends with the host, so every retry is a failed start.
        new ServiceRetry(ConsumeBackoff, time, (e, delay) => LogConsumeFailed(e, delay.TotalSeconds)).RunAsync(async ct =>
        {
            await using var consumer = await bus.ConsumeAsync(Queues.Message, DispatchOnceAsync, ConsumerOptions, ct);
            LogStarted(_gate.Capacity, ConsumerOptions.Prefetch, options.Value.RateLimitEnabled ? options.Value.EffectiveMessagesPerSecond : null);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }, stoppingToken);

    /// <summary>Sends a message unless its id was sent before, then records the id.</summary>
    public async Task DispatchOnceAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastDispatch, time.GetTimestamp());
        using var admission = await _gate.EnterAsync(DispatchPriority.IsUrgent(message), cancellationToken);
        try
        {
            if (await sent.WasSentAsync(message.Id, cancellationToken))
            {
                metrics.AlreadySent();
                LogAlreadySent(message.Id, message.ChatId);
                return;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the database the dispatcher still sends: a duplicate is better than a message held back.
            LogCheckFailed(message.Id, e.GetType().Name);
        }

        await dispatcher.DispatchAsync(message, cancellationToken);

        // Recorded even when stopping: the send happened.
        using var timeout = new CancellationTokenSource(RecordTimeout, time);
        try
        {
            await sent.RecordSentAsync(message.Id, time.GetUtcNow(), timeout.Token);
        }
        catch (Exception e)
        {
            // Sent but not recorded: only a redelivery of this very message could repeat it. Not worth a resend.
            LogRecordFailed(message.Id, e.GetType().Name);
        }
    }

    private async Task PruneLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                int pruned;
                do
                {
                    pruned = await sent.PruneAsync(time.GetUtcNow() - SentIdRetention, PruneBatch, stoppingToken);
                } while (pruned == PruneBatch);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogPruneFailed(e.GetType().Name);
            }
            try
            {
                await Task.Delay(PruneInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatcher consuming the message queue ({Concurrency} parallel sends, window {Window}, global limit {Rate} msg/s)")]
    private partial void LogStarted(int concurrency, int window, int? rate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Bot API keep-alive did not complete ({Error}); the next send opens what it needs")]
    private partial void LogKeepAliveFailed(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dispatcher warm-up did not complete ({Error}); the first send opens what it needs")]
    private partial void LogWarmUpFailed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatcher could not consume the message queue; retrying in {Seconds} s")]
    private partial void LogConsumeFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} to chat {ChatId} was sent before; this copy is dropped")]
    private partial void LogAlreadySent(string messageId, long chatId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: could not check whether it was sent before ({Error}); sending it")]
    private partial void LogCheckFailed(string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} was sent but its id could not be recorded ({Error})")]
    private partial void LogRecordFailed(string messageId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forget old sent message ids ({Error}); trying again later")]
    private partial void LogPruneFailed(string error);
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Resilience;
using PassportBot.Storage;
using PassportBot.Targets.Channels;
using PassportBot.Telegram.Sending;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Thrown after repeated transient failures so the bus redelivers the message later.</summary>
public sealed class TelegramUnavailableException(string message) : Exception(message);

/// <summary>Delivers one queued message under the rate limits and decides what each outcome means:
/// 429 pauses everything and retries, a gone chat is deactivated, transient failures back off and finally
/// go back to the bus, formatting bugs fall back to plain text once, other bad requests are logged and counted.
/// A province channel that refuses a post (the bot is not its admin, it is gone) is paused instead
/// (<see cref="ChannelPauses"/>): no chat is deactivated for it.</summary>
public sealed partial class MessageDispatcher(
    INotifier notifier,
    IMessageBus bus,
    SendRateLimiter limiter,
    ISubscriptionStore subscriptions,
    DispatcherMetrics metrics,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<MessageDispatcher> logger,
    ChannelPauses? channelPauses = null,
    TelegramChannels? channels = null)
{
    private readonly int _transientAttempts = Math.Max(1, options.Value.TransientRetries + 1);
    // One wait stays under a minute (the longest TransientRetryDelay allowed), so a send never holds its slot long.
    private readonly ExponentialBackoff _transientBackoff = new(options.Value.TransientRetryDelay, TimeSpan.FromMinutes(1));

    /// <summary>Opens the notifier's connection ahead of the first message (see <see cref="INotifier.WarmUpAsync"/>).</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => notifier.WarmUpAsync(cancellationToken);

    /// <summary>Keeps the notifier's connection open while idle (see <see cref="INotifier.KeepAliveAsync"/>).</summary>
    public Task KeepAliveAsync(CancellationToken cancellationToken) => notifier.KeepAliveAsync(cancellationToken);

    public async Task DispatchAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (Queues.For(message.Recipient) != Queues.Message)
        {
            // A webhook or ntfy notification that came this way: hand it to its own queue and consumer.
            await bus.PublishAsync(Queues.For(message.Recipient), message, cancellationToken);
            return;
        }
        if (!TelegramTarget.IsTelegram(message.Recipient) || TelegramTarget.ChatOf(message.Recipient) is null)
        {
            // Nothing else can deliver it and a retry would not change that.
            metrics.Failed();
            LogNotForTelegram(message.Id, message.Recipient?.Kind.ToString() ?? "none");
            return;
        }
        var channel = message.Recipient!.Kind == RecipientKind.TelegramChannel ? message.Recipient.Address : null;
        var key = TelegramTarget.KeyOf(message.Recipient);
        if (channel is not null && channelPauses is not null && !await channelPauses.MaySendAsync(channel, cancellationToken))
        {
            metrics.ChannelPaused();
            PassportBotMetrics.MessageFailed(key, KindName(message), "channel_paused");
            LogChannelPaused(message.Id, channel);
            channelPauses.Hold(channel, message);
            return;
        }
        var current = TelegramRendering.Render(message);
        var transientFailures = 0;
        while (true)
        {
            if (channel is null) await limiter.WaitAsync(key, cancellationToken);
            else await limiter.WaitForChannelAsync(key, channels?.PostsPerMinute ?? TelegramOptions.DefaultPostsPerMinute, cancellationToken);
            var result = await SendTracedAsync(current, key, cancellationToken);
            // A refused token is the operator's to fix: keep the message (retries, then back to the queue).
            if (result is SendResult.Unauthorized unauthorized) result = new SendResult.Transient(unauthorized.Description);
            switch (result)
            {
                case SendResult.Sent:
                    metrics.Sent();
                    PassportBotMetrics.MessageSent(key, KindName(current), time.GetUtcNow() - current.PolledAt);
                    if (channel is not null && channelPauses is not null) await channelPauses.SucceededAsync(channel, cancellationToken);
                    return;

                case SendResult.RetryAfter retry:
                    metrics.TooManyRequests();
                    PassportBotMetrics.MessageRateLimited(key);
                    metrics.Retried();
                    limiter.Pause(retry.Delay);
                    LogRateLimited(message.Id, retry.Delay.TotalSeconds);
                    break;

                case SendResult.ChatUnavailable refused when channel is not null:
                    // The operator's to fix (bot not an admin, channel deleted): pause the channel, alert once.
                    if (channelPauses is not null)
                    {
                        await channelPauses.FailedAsync(channel, refused.Reason, cancellationToken);
                        channelPauses.Hold(channel, message);
                    }
                    else LogChannelRefused(message.Id, channel, refused.Reason);
                    metrics.Failed();
                    PassportBotMetrics.MessageFailed(key, KindName(current), "channel_refused");
                    return;

                case SendResult.ChatUnavailable gone:
                    await subscriptions.DeactivateChatAsync(current.ChatId, gone.Reason, cancellationToken);
                    metrics.Deactivated();
                    PassportBotMetrics.MessageFailed(current.ChatId, KindName(current), "chat_unavailable");
                    LogChatDeactivated(current.ChatId, gone.Reason, message.Id);
                    return;

                case SendResult.BadRequest bad when bad.IsEntityParseError && current.ParseMode is not null:
                    LogEntityError(message.Id, key, bad.Description);
                    metrics.PlainTextFallback();
                    metrics.Retried();
                    current = current with { Content = HtmlText.ToPlainText(current.Content ?? ""), ParseMode = null };
                    break;

                case SendResult.BadRequest bad:
                    metrics.Failed();
                    PassportBotMetrics.MessageFailed(key, KindName(current), "bad_request");
                    LogDropped(message.Id, key, bad.Description);
                    return;

                case SendResult.Transient transient:
                    transientFailures++;
                    if (transientFailures >= _transientAttempts)
                    {
                        metrics.Redelivered();
                        PassportBotMetrics.MessageFailed(key, KindName(current), "transient");
                        LogHandedBack(message.Id, transientFailures, transient.Description);
                        throw new TelegramUnavailableException(
                            $"Message {message.Id} not sent after {transientFailures} attempts: {transient.Description}");
                    }
                    metrics.Retried();
                    // The same loop resends as plain text and waits out 429 pauses, which are not failures to back
                    // off from: only transient results step the shared back-off's series.
                    var delay = _transientBackoff.DelayAfter(transientFailures);
                    LogTransient(message.Id, transient.Description, delay.TotalMilliseconds);
                    await Task.Delay(delay, time, cancellationToken);
                    break;

                default:
                    throw new InvalidOperationException($"Unknown send result {result.GetType().Name}.");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} is for a {Target} recipient, not a Telegram chat; dropped")]
    private partial void LogNotForTelegram(string messageId, string target);

    /// <summary>One send attempt as a client span: ids and kinds only, never the chat or the text.</summary>
    private async Task<SendResult> SendTracedAsync(OutgoingMessage message, long key, CancellationToken cancellationToken)
    {
        using var activity = PassportBotTelemetry.Source.StartActivity("send telegram", ActivityKind.Client);
        activity?.SetTag(TelemetryTags.MessagingMessageId, message.Id);
        activity?.SetTag(TelemetryTags.MessageKind, KindName(message));
        activity?.SetTag(TelemetryTags.TargetKind, PassportBotMetrics.TargetKind(key));
        var result = await notifier.SendAsync(message, cancellationToken);
        if (activity is not null)
        {
            var outcome = result switch
            {
                SendResult.Sent => "sent",
                SendResult.RetryAfter => "rate_limited",
                SendResult.ChatUnavailable => "chat_unavailable",
                SendResult.BadRequest => "bad_request",
                _ => "transient",
            };
            activity.SetTag(TelemetryTags.Outcome, outcome);
            if (outcome != "sent") activity.SetStatus(ActivityStatusCode.Error);
        }
        return result;
    }

    /// <summary>A fixed, low-cardinality label: new, scheduled, gone, summary, alert, reply (availability for v1).</summary>
    private static string KindName(OutgoingMessage message) => message.Kind.ToString().ToLowerInvariant();

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} to channel {Channel} kept: the channel is paused until a retry succeeds")]
    private partial void LogChannelPaused(string messageId, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} was refused by channel {Channel}: {Reason}")]
    private partial void LogChannelRefused(string messageId, string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram rate limit hit sending {MessageId}: pausing all sending for {Seconds} s")]
    private partial void LogRateLimited(string messageId, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} is unavailable ({Reason}); deactivated its subscriptions (message {MessageId})")]
    private partial void LogChatDeactivated(long chatId, string reason, string messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} to chat {ChatId} has malformed HTML ({Description}); resending as plain text")]
    private partial void LogEntityError(string messageId, long chatId, string description);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} to chat {ChatId} was refused by Telegram and dropped: {Description}")]
    private partial void LogDropped(string messageId, long chatId, string description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: transient failure ({Description}); retrying in {DelayMs} ms")]
    private partial void LogTransient(string messageId, string description, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed {Attempts} times ({Description}); handing it back to the queue")]
    private partial void LogHandedBack(string messageId, int attempts, string description);
}

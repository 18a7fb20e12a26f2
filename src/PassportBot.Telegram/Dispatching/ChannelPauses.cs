using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Messaging;
using PassportBot.Resilience;
using PassportBot.Storage;
using PassportBot.Targets.Channels;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Channels that refused a post for a reason only the operator can fix (the bot is not an admin of the
/// channel, the channel is gone): such a channel is paused (its posts are not sent), the admins get one alert, and
/// a later post is tried again with back-off; the first that succeeds resumes the channel. Nothing else is touched:
/// a channel has no subscriptions to remove. The pause is kept in the settings store, so a restart neither forgets
/// it nor alerts again.</summary>
public sealed partial class ChannelPauses(
    ISettingsStore settings,
    IMessageBus bus,
    TelegramChannels channels,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<ChannelPauses> logger)
{
    /// <summary>Wait before the first retry of a paused channel; doubles per failed retry up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private static readonly ExponentialBackoff RetryBackoff = new(FirstRetryDelay, MaxRetryDelay);

    private const string KeyPrefix = "telegram.channel.paused:";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PauseState> _states = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when a post to <paramref name="channel"/> may be sent now: not paused, or its retry is due.</summary>
    public async Task<bool> MaySendAsync(string channel, CancellationToken cancellationToken)
    {
        var state = await StateAsync(channel, cancellationToken);
        return !state.Paused || time.GetUtcNow() >= state.NextAttempt;
    }

    /// <summary>Whether <paramref name="channel"/> is paused now (for tests and health).</summary>
    public bool IsPaused(string channel)
    {
        lock (_lock) return _states.TryGetValue(channel, out var s) && s.Paused;
    }

    /// <summary>A post was refused for an operator reason: pause (alerting the admins once) or push the next retry back.</summary>
    public async Task FailedAsync(string channel, string reason, CancellationToken cancellationToken)
    {
        var current = await StateAsync(channel, cancellationToken);
        PauseState next;
        bool first;
        lock (_lock)
        {
            current = _states.GetValueOrDefault(channel, current);
            first = !current.Paused;
            var failures = first ? 1 : current.Failures + 1;
            // Stored with the pause, so it outlives a restart: a schedule, not a Polly wait.
            var delay = RetryBackoff.DelayAfter(failures);
            next = new PauseState(true, failures, time.GetUtcNow() + delay, reason);
            _states[channel] = next;
        }
        await SaveAsync(channel, next, cancellationToken);
        if (!first)
        {
            LogStillRefused(channel, next.Failures, (next.NextAttempt - time.GetUtcNow()).TotalMinutes);
            return;
        }
        LogPaused(channel, reason);
        await AlertAsync(channel, reason, cancellationToken);
    }

    /// <summary>A post went through: a paused channel resumes.</summary>
    public async Task SucceededAsync(string channel, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_states.TryGetValue(channel, out var s) || !s.Paused) return;
            _states[channel] = PauseState.Active;
        }
        await SaveAsync(channel, PauseState.Active, cancellationToken);
        LogResumed(channel);
    }

    private async Task<PauseState> StateAsync(string channel, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_states.TryGetValue(channel, out var known)) return known;
        }
        var loaded = PauseState.Active;
        try
        {
            if (await settings.GetAsync(Key(channel), cancellationToken) is { } stored) loaded = PauseState.Parse(stored.Value);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the database the channel is treated as active: a post is tried rather than held back.
            LogLoadFailed(channel, e.GetType().Name);
            return loaded;
        }
        lock (_lock)
        {
            if (_states.TryGetValue(channel, out var raced)) return raced;
            _states[channel] = loaded;
            return loaded;
        }
    }

    private async Task SaveAsync(string channel, PauseState state, CancellationToken cancellationToken)
    {
        try
        {
            await settings.SetAsync(Key(channel), state.Format(), time.GetUtcNow(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSaveFailed(channel, e.GetType().Name);
        }
    }

    private async Task AlertAsync(string channel, string reason, CancellationToken cancellationToken)
    {
        var provinces = channels.ProvincesOf(channel);
        var text =
            $"Telegram channel {channel} ({(provinces.Count == 0 ? "no province" : string.Join(", ", provinces))}) refused a post: {reason}\n" +
            "Its posts are paused; nothing else is affected. Make the bot an administrator of the channel with the right " +
            "to post messages (or correct Telegram:Channels). Posting resumes by itself when a retry succeeds " +
            $"(first retry in {FirstRetryDelay.TotalMinutes.ToString(CultureInfo.InvariantCulture)} min, then less often).";
        var admins = options.Value.AdminChatIds;
        if (admins.Length == 0)
        {
            LogNoAdmins(channel);
            return;
        }
        var alert = new Notification(NotificationKind.Alert, Language.English, null, [], Text: text);
        var now = time.GetUtcNow();
        try
        {
            await bus.PublishManyAsync(Queues.Message, admins.Select(id => OutgoingMessage.For(Recipient.Telegram(id), alert, now)).ToList(), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAlertFailed(channel, e.GetType().Name);
        }
    }

    private static string Key(string channel) => KeyPrefix + channel.ToLowerInvariant();

    private sealed record PauseState(bool Paused, int Failures, DateTimeOffset NextAttempt, string? Reason)
    {
        public static readonly PauseState Active = new(false, 0, DateTimeOffset.MinValue, null);

        /// <summary>"failures|next attempt (Unix ms)|reason", or empty when active.</summary>
        public string Format() => Paused
            ? string.Create(CultureInfo.InvariantCulture, $"{Failures}|{NextAttempt.ToUnixTimeMilliseconds()}|{Reason}")
            : "";

        public static PauseState Parse(string value)
        {
            var parts = value.Split('|', 3);
            return parts.Length == 3
                   && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var failures)
                   && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var at)
                ? new PauseState(true, failures, DateTimeOffset.FromUnixTimeMilliseconds(at), parts[2])
                : Active;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} refused a post ({Reason}): its posts are paused and the admins alerted")]
    private partial void LogPaused(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} still refuses posts ({Failures} failures); next retry in {Minutes} min")]
    private partial void LogStillRefused(string channel, int failures, double minutes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram channel {Channel} accepted a post again: resumed")]
    private partial void LogResumed(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} is paused but no Telegram:AdminChatIds are configured to alert")]
    private partial void LogNoAdmins(string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not alert the admins that Telegram channel {Channel} is paused ({Error})")]
    private partial void LogAlertFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the pause state of Telegram channel {Channel} ({Error}); treating it as active")]
    private partial void LogLoadFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the pause state of Telegram channel {Channel} ({Error})")]
    private partial void LogSaveFailed(string channel, string error);
}

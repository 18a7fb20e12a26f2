using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Texts;
using PassportBot.Messaging;
using PassportBot.Resilience;
using PassportBot.Storage;
using PassportBot.Targets.Channels;

namespace PassportBot.Telegram.Dispatching;

/// <summary>Channels that refused a post for a reason only the operator can fix (the bot is not an admin of the
/// channel, the channel is gone): such a channel is paused, the admins get one alert (in their language), and the
/// oldest kept post is tried again with back-off; the first that succeeds resumes the channel. Posts refused or
/// arriving meanwhile are kept (<see cref="Hold"/>: the newest <see cref="MaxHeldPosts"/>, none older than
/// <see cref="MaxHeldAge"/>) and posted when the channel resumes. Nothing else is touched: a channel has no
/// subscriptions to remove. The pause is kept in the settings store, so a restart neither forgets it nor alerts again;
/// the kept posts live in this process only.</summary>
public sealed partial class ChannelPauses(
    ISettingsStore settings,
    IMessageBus bus,
    TelegramChannels channels,
    IOptions<TelegramOptions> options,
    ISubscriptionStore subscriptions,
    TimeProvider time,
    ILogger<ChannelPauses> logger) : IDisposable
{
    /// <summary>Posts kept per paused channel: a minute of the channel's budget, so the backlog goes out within a
    /// minute of resuming.</summary>
    public const int MaxHeldPosts = 20;

    /// <summary>Kept posts older than this (from their poll) are dropped: their slots are most likely taken, and a
    /// channel member would rather not hear of them late.</summary>
    public static readonly TimeSpan MaxHeldAge = TimeSpan.FromMinutes(30);

    /// <summary>Wait before the first retry of a paused channel; doubles per failed retry up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    private static readonly ExponentialBackoff RetryBackoff = new(FirstRetryDelay, MaxRetryDelay);

    private const string KeyPrefix = "telegram.channel.paused:";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PauseState> _states = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HeldPosts> _held = new(StringComparer.OrdinalIgnoreCase);
    private bool _disposed;

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
        await ReleaseAsync(channel, all: true, cancellationToken);
    }

    /// <summary>Posts kept for <paramref name="channel"/> now (for tests and health).</summary>
    public int HeldCount(string channel)
    {
        lock (_lock) return _held.TryGetValue(channel, out var h) ? h.Posts.Count : 0;
    }

    /// <summary>Keeps a post the paused <paramref name="channel"/> did not take, to post it when the channel resumes;
    /// the oldest kept post is tried again when the channel's retry is due.</summary>
    public void Hold(string channel, OutgoingMessage message) => Keep(channel, [message], retryIn: null);

    /// <summary>Keeps <paramref name="posts"/> and makes sure a retry is pending: in <paramref name="retryIn"/>, or when
    /// the channel's retry is due (at once when it is not paused).</summary>
    private void Keep(string channel, IReadOnlyList<OutgoingMessage> posts, TimeSpan? retryIn)
    {
        int dropped;
        lock (_lock)
        {
            if (!_held.TryGetValue(channel, out var held)) _held[channel] = held = new HeldPosts();
            foreach (var message in posts)
            {
                // Oldest first, whatever order they came back in (a refused retry returns after newer posts).
                var post = new HeldPost(message, Since(message));
                var at = held.Posts.FindLastIndex(p => p.Since <= post.Since) + 1;
                held.Posts.Insert(at, post);
            }
            dropped = DropStale(held);
            if (held.Retry is null && !_disposed)
            {
                var due = retryIn
                    ?? (_states.TryGetValue(channel, out var state) && state.Paused ? state.NextAttempt - time.GetUtcNow() : TimeSpan.Zero);
                held.Retry = time.CreateTimer(_ => _ = RetryAsync(channel), null, due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
        }
        if (dropped > 0) LogHeldDropped(channel, dropped);
    }

    /// <summary>The channel's retry is due: the oldest kept post goes back to the queue as the retry (all of them when
    /// the channel has resumed meanwhile).</summary>
    private async Task RetryAsync(string channel)
    {
        bool paused;
        lock (_lock)
        {
            if (!_held.TryGetValue(channel, out var held)) return;
            held.Retry?.Dispose();
            held.Retry = null;
            paused = _states.TryGetValue(channel, out var state) && state.Paused;
        }
        await ReleaseAsync(channel, all: !paused, CancellationToken.None);
    }

    /// <summary>Puts kept posts (the oldest, or all) back on the message queue, as new messages: the originals count as
    /// handled for the dispatcher's redelivery check.</summary>
    private async Task ReleaseAsync(string channel, bool all, CancellationToken cancellationToken)
    {
        List<OutgoingMessage> posts = [];
        int dropped;
        lock (_lock)
        {
            if (!_held.TryGetValue(channel, out var held)) return;
            dropped = DropStale(held);
            while ((all || posts.Count == 0) && held.Posts.Count > 0)
            {
                var post = held.Posts[0];
                held.Posts.RemoveAt(0);
                // A new id (the original counts as handled), and its age kept for the next pause.
                posts.Add(post.Message with
                {
                    Id = OutgoingMessage.NewId(),
                    CreatedAt = post.Message.CreatedAt == default ? post.Since : post.Message.CreatedAt,
                });
            }
            if (held.Posts.Count == 0 && held.Retry is null) _held.Remove(channel);
        }
        if (dropped > 0) LogHeldDropped(channel, dropped);
        if (posts.Count == 0) return;
        try
        {
            await bus.PublishManyAsync(Queues.Message, posts, cancellationToken);
            LogReleased(channel, posts.Count);
        }
        catch (Exception e)
        {
            // Kept for a later try rather than lost.
            LogReleaseFailed(channel, e.GetType().Name);
            Keep(channel, posts, FirstRetryDelay);
        }
    }

    /// <summary>Drops what is too old or beyond the newest <see cref="MaxHeldPosts"/>; the caller holds the lock.</summary>
    private int DropStale(HeldPosts held)
    {
        var dropped = 0;
        var oldest = time.GetUtcNow() - MaxHeldAge;
        while (held.Posts.Count > 0 && (held.Posts.Count > MaxHeldPosts || held.Posts[0].Since < oldest))
        {
            held.Posts.RemoveAt(0);
            dropped++;
        }
        return dropped;
    }

    /// <summary>How old a post's news is: from its poll, else from its creation, else from now.</summary>
    private DateTimeOffset Since(OutgoingMessage message) =>
        message.PolledAt ?? (message.CreatedAt != default ? message.CreatedAt : time.GetUtcNow());

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
        var admins = options.Value.AdminChatIds;
        if (admins.Length == 0)
        {
            LogNoAdmins(channel);
            return;
        }
        var provinces = channels.ProvincesOf(channel);
        var now = time.GetUtcNow();
        try
        {
            var alerts = new List<OutgoingMessage>(admins.Length);
            foreach (var admin in admins)
            {
                // The admin's language when they have used the bot, otherwise the channel's.
                var language = await subscriptions.GetLanguageAsync(admin, cancellationToken) ?? channels.Language;
                var text = string.Format(CultureInfo.InvariantCulture, TextCatalog.For(language).Notifications.ChannelPaused,
                    channel, provinces.Count == 0 ? "-" : string.Join(", ", provinces), reason,
                    FirstRetryDelay.TotalMinutes, MaxHeldPosts, MaxHeldAge.TotalMinutes);
                alerts.Add(OutgoingMessage.For(Recipient.Telegram(admin), new Notification(NotificationKind.Alert, language, null, [], Text: text), now));
            }
            await bus.PublishManyAsync(Queues.Message, alerts, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogAlertFailed(channel, e.GetType().Name);
        }
    }

    /// <summary>Stops the pending retries (the process is stopping; kept posts are not persisted).</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var held in _held.Values)
            {
                held.Retry?.Dispose();
                held.Retry = null;
            }
        }
    }

    private static string Key(string channel) => KeyPrefix + channel.ToLowerInvariant();

    private sealed record HeldPost(OutgoingMessage Message, DateTimeOffset Since);

    private sealed class HeldPosts
    {
        /// <summary>Oldest first.</summary>
        public List<HeldPost> Posts { get; } = [];
        /// <summary>Fires when the channel's retry is due; null when none is pending.</summary>
        public ITimer? Retry { get; set; }
    }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Telegram channel {Channel}: {Count} kept post(s) put back on the queue")]
    private partial void LogReleased(string channel, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} is paused: {Count} kept post(s) dropped (too old or beyond the newest kept)")]
    private partial void LogHeldDropped(string channel, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not put the kept posts of Telegram channel {Channel} back on the queue ({Error}); kept for later")]
    private partial void LogReleaseFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} is paused but no Telegram:AdminChatIds are configured to alert")]
    private partial void LogNoAdmins(string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not alert the admins that Telegram channel {Channel} is paused ({Error})")]
    private partial void LogAlertFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the pause state of Telegram channel {Channel} ({Error}); treating it as active")]
    private partial void LogLoadFailed(string channel, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the pause state of Telegram channel {Channel} ({Error})")]
    private partial void LogSaveFailed(string channel, string error);
}

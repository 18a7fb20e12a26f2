using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using PassportBot.Messaging;
using PassportBot.Storage;
using PassportBot.Targets.Channels;
using PassportBot.Telegram.Sending;
using Telegram.Bot;

namespace PassportBot.Telegram.Bot;

/// <summary>How a reader joins a province channel. A public channel is its <c>@username</c>. A private one (configured
/// by its numeric id) gets an invite link of its own, which the bot creates once with <c>createChatInviteLink</c> (an
/// additional link, named after the bot: the channel's primary link is left alone) and keeps in the settings store.
/// That needs the bot to be an administrator of the channel with the right to invite users; when Telegram refuses, the
/// channel is not advertised, and the refusal is remembered for <see cref="RefusalRetry"/> so that /start does not ask
/// Telegram every time.</summary>
public sealed partial class ChannelInviteLinks(
    TelegramClientFactory clients,
    ISettingsStore settings,
    TimeProvider time,
    ILogger<ChannelInviteLinks> logger)
{
    /// <summary>How long a refused channel stays unadvertised before the bot asks again.</summary>
    public static readonly TimeSpan RefusalRetry = TimeSpan.FromHours(1);

    /// <summary>The name the created links carry in the channel's list of invite links.</summary>
    public const string LinkName = "PassportBot";

    private const string KeyPrefix = "telegram.channel.invite:";
    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly SemaphoreSlim _creating = new(1, 1);
    private ITelegramBotClient? _client;

    /// <summary>What to show a reader for <paramref name="channel"/>: its <c>@username</c> or invite link; null when the
    /// bot has none to give.</summary>
    public async Task<string?> LinkAsync(Recipient channel, CancellationToken cancellationToken)
    {
        if (TelegramChannels.PublicLink(channel) is not null) return channel.Address;
        if (_known.TryGetValue(channel.Address, out var known) && known.IsCurrent(time)) return known.Link;

        await _creating.WaitAsync(cancellationToken);
        try
        {
            if (_known.TryGetValue(channel.Address, out known) && known.IsCurrent(time)) return known.Link;
            known = await LoadAsync(channel.Address, cancellationToken) ?? await CreateAsync(channel.Address, cancellationToken);
            if (known is not null) _known[channel.Address] = known;
            return known?.Link;
        }
        finally
        {
            _creating.Release();
        }
    }

    private async Task<Known?> LoadAsync(string channel, CancellationToken cancellationToken)
    {
        try
        {
            if (await settings.GetAsync(KeyPrefix + channel, cancellationToken) is not { } stored) return null;
            var known = new Known(stored.Value.Length == 0 ? null : stored.Value, stored.UpdatedAt);
            return known.IsCurrent(time) ? known : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(channel, e.GetType().Name);
            return null;
        }
    }

    private async Task<Known?> CreateAsync(string channel, CancellationToken cancellationToken)
    {
        string? link;
        try
        {
            _client ??= clients.CreateForSending();
            var created = await _client.CreateChatInviteLink(long.Parse(channel, System.Globalization.CultureInfo.InvariantCulture), LinkName,
                cancellationToken: cancellationToken);
            link = created.InviteLink;
            LogCreated(channel);
        }
        catch (Exception e) when (TelegramErrors.Classify(e, cancellationToken) is { } result)
        {
            if (result is not (SendResult.BadRequest or SendResult.ChatUnavailable))
            {
                // Telegram unreachable, 429, token trouble: nothing learnt about the channel; ask again next time.
                LogUnavailable(channel, result.GetType().Name);
                return null;
            }
            LogRefused(channel, result is SendResult.BadRequest bad ? bad.Description : ((SendResult.ChatUnavailable)result).Reason);
            link = null;
        }
        var known = new Known(link, time.GetUtcNow());
        try
        {
            await settings.SetAsync(KeyPrefix + channel, link ?? "", known.At, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStoreFailed(channel, e.GetType().Name);
        }
        return known;
    }

    /// <summary>A link (kept for good) or a refusal (null, kept for <see cref="RefusalRetry"/>), and when it was learnt.</summary>
    private sealed record Known(string? Link, DateTimeOffset At)
    {
        public bool IsCurrent(TimeProvider time) => Link is not null || time.GetUtcNow() - At < RefusalRetry;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created an invite link for Telegram channel {Channel}")]
    private partial void LogCreated(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Telegram channel {Channel} refused an invite link ({Reason}): not advertised. Make the bot an administrator with the right to invite users, or give the channel a public @username")]
    private partial void LogRefused(string channel, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask Telegram for an invite link of channel {Channel} ({Outcome}); will ask again")]
    private partial void LogUnavailable(string channel, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read or store the invite link of Telegram channel {Channel} ({Error})")]
    private partial void LogStoreFailed(string channel, string error);
}

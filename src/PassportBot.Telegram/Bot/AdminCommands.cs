using Microsoft.Extensions.Logging;
using PassportBot.Agenda;
using PassportBot.Storage;
using Telegram.Bot.Types;

namespace PassportBot.Telegram.Bot;

/// <summary>/cookie, /csrf and /status for admins. Secrets go to the settings store (where the poller's
/// settings credential source reads them); the message holding one is deleted and never echoed or logged, also
/// when it came from someone who may not use the command.</summary>
public sealed partial class AdminCommands(
    ISettingsStore settings,
    BotReplies replies,
    TimeProvider time,
    ILogger<AdminCommands> logger,
    IAgendaSession? session = null)
{
    /// <summary>Settings keys read by the poller's settings credential source.</summary>
    public const string CookieKey = "agenda.cookie";
    public const string CsrfKey = "agenda.csrf";

    public async Task HandleAsync(BotChat chat, Message message, SlashCommand command, CancellationToken cancellationToken)
    {
        switch (command.Name)
        {
            case "cookie":
                await StoreSecretAsync(chat, message, CookieKey, "Cookie", StripHeader(command.Arguments, "Cookie:"), cancellationToken);
                break;
            case "csrf":
                await StoreSecretAsync(chat, message, CsrfKey, "CSRF token", StripHeader(command.Arguments, "X-CSRF-TOKEN:"), cancellationToken);
                break;
            case "status":
                await replies.SendAsync(chat.ChatId, Status(chat.Texts), keyboard: null, cancellationToken);
                break;
        }
    }

    /// <summary>/cookie or /csrf with a value from a non-admin or in a group: nothing is stored, but the value may
    /// be a real session, so the message is deleted (best effort: in a group the bot may lack the right).</summary>
    public async Task RefuseSecretAsync(BotChat chat, Message message, SlashCommand command, CancellationToken cancellationToken)
    {
        var deleted = await replies.DeleteAsync(chat.ChatId, message.Id, cancellationToken);
        LogSecretRefused(chat.ChatId, command.Name, deleted);
        await replies.SendAsync(chat.ChatId, deleted ? chat.Texts.SecretRefused : chat.Texts.SecretRefusedNotDeleted, keyboard: null, cancellationToken);
    }

    private async Task StoreSecretAsync(BotChat chat, Message message, string key, string label, string value, CancellationToken cancellationToken)
    {
        if (value.Length == 0)
        {
            await replies.SendAsync(chat.ChatId, chat.Texts.SecretUsage, keyboard: null, cancellationToken);
            return;
        }
        await settings.SetAsync(key, value, time.GetUtcNow(), cancellationToken);
        LogSecretStored(chat.ChatId, key, value.Length);
        var deleted = await replies.DeleteAsync(chat.ChatId, message.Id, cancellationToken);
        await RefreshSessionAsync(cancellationToken);
        var template = deleted ? chat.Texts.SecretSaved : chat.Texts.SecretNotDeleted;
        await replies.SendAsync(chat.ChatId, BotConversation.Format(template, label, value.Length), keyboard: null, cancellationToken);
    }

    // The poller would notice at its next cycle; refreshing now makes /status right straight away.
    private async Task RefreshSessionAsync(CancellationToken cancellationToken)
    {
        if (session is null) return;
        try
        {
            await session.RefreshAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRefreshFailed(e.GetType().Name);
        }
    }

    private string Status(BotTexts t)
    {
        if (session is null) return t.NoAgendaSession;
        return session.State == CredentialState.Expired && session.ExpiredAt is { } at
            ? BotConversation.Format(t.CredentialStatusExpired, session.State, at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))
            : BotConversation.Format(t.CredentialStatus, session.State);
    }

    /// <summary>Admins often paste the whole header line from the browser's developer tools.</summary>
    private static string StripHeader(string value, string header)
    {
        var trimmed = value.Trim();
        return trimmed.StartsWith(header, StringComparison.OrdinalIgnoreCase) ? trimmed[header.Length..].Trim() : trimmed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin chat {ChatId} stored a new {Key} ({Length} characters)")]
    private partial void LogSecretStored(long chatId, string key, int length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} sent /{Command} with a value but may not use it here; message deleted: {Deleted}")]
    private partial void LogSecretRefused(long chatId, string command, bool deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the agenda session after new credentials failed ({Error})")]
    private partial void LogRefreshFailed(string error);
}

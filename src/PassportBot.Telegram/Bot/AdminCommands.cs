using Microsoft.Extensions.Logging;
using PassportBot.Agenda;
using PassportBot.Domain.Texts;
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
                await StoreSecretAsync(chat, message, CookieKey, "Cookie", SecretValue.Clean(command.Arguments, "Cookie"), cancellationToken);
                break;
            case "csrf":
                await StoreSecretAsync(chat, message, CsrfKey, "CSRF token", SecretValue.Clean(command.Arguments, "X-CSRF-TOKEN"), cancellationToken);
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

    /// <summary>The message holding the secret is deleted first: whatever happens next (a refusal, a database error),
    /// the secret does not stay in the chat.</summary>
    private async Task StoreSecretAsync(BotChat chat, Message message, string key, string label, SecretValue value, CancellationToken cancellationToken)
    {
        if (value.Problem == SecretProblem.Empty)
        {
            await replies.SendAsync(chat.ChatId, chat.Texts.SecretUsage, keyboard: null, cancellationToken);
            return;
        }
        var deleted = await replies.DeleteAsync(chat.ChatId, message.Id, cancellationToken);
        if (value.Problem is { } problem)
        {
            LogSecretRejected(chat.ChatId, key, problem);
            var reason = problem == SecretProblem.TooLong ? chat.Texts.SecretTooLong : chat.Texts.SecretControlCharacters;
            await replies.SendAsync(chat.ChatId, BotConversation.Format(reason, label, SecretValue.MaxLength), keyboard: null, cancellationToken);
            return;
        }
        var text = value.Text!;
        await settings.SetAsync(key, text, time.GetUtcNow(), cancellationToken);
        LogSecretStored(chat.ChatId, key, text.Length);
        await RefreshSessionAsync(cancellationToken);
        var template = deleted ? chat.Texts.SecretSaved : chat.Texts.SecretNotDeleted;
        await replies.SendAsync(chat.ChatId, BotConversation.Format(template, label, text.Length), keyboard: null, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin chat {ChatId} stored a new {Key} ({Length} characters)")]
    private partial void LogSecretStored(long chatId, string key, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin chat {ChatId} sent a {Key} that was not stored: {Problem}")]
    private partial void LogSecretRejected(long chatId, string key, SecretProblem problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Chat {ChatId} sent /{Command} with a value but may not use it here; message deleted: {Deleted}")]
    private partial void LogSecretRefused(long chatId, string command, bool deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the agenda session after new credentials failed ({Error})")]
    private partial void LogRefreshFailed(string error);
}

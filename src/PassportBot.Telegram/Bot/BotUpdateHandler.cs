using Microsoft.Extensions.Logging;
using PassportBot.Domain.Texts;
using Telegram.Bot.Types;

namespace PassportBot.Telegram.Bot;

/// <summary>Routes one update to the command or button logic. Never throws for bad input or a failing
/// dependency: the user gets a polite answer and the polling loop goes on.</summary>
public sealed partial class BotUpdateHandler(
    TextCommandHandler commands,
    CallbackQueryHandler callbacks,
    BotReplies replies,
    ILogger<BotUpdateHandler> logger)
{
    public async Task HandleAsync(Update update, CancellationToken cancellationToken)
    {
        try
        {
            switch (update)
            {
                case { Message: { From.IsBot: false } message }:
                    await commands.HandleAsync(message, cancellationToken);
                    break;
                case { CallbackQuery: { } query }:
                    await callbacks.HandleAsync(query, cancellationToken);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Message text is not logged: it may hold a secret (/cookie).
            LogFailed(e, update.Id, update.Type.ToString());
            if (update.Message is { } message)
            {
                await replies.SendAsync(message.Chat.Id, TextCatalog.It.Bot.Failure + "\n" + TextCatalog.En.Bot.Failure, keyboard: null, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Update {UpdateId} ({Type}) failed")]
    private partial void LogFailed(Exception exception, int updateId, string type);
}

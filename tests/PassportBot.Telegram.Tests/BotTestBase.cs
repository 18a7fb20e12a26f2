using PassportBot.Testing;

namespace PassportBot.Telegram.Tests;

/// <summary>A running bot (long polling against the fake server) per test, with helpers that act as a user.</summary>
public abstract class BotTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TelegramTestHost.Timeout;

    protected TelegramTestHost Host { get; private set; } = null!;
    protected FakeBotApiServer Server => Host.Server;

    public async Task InitializeAsync() => Host = await StartHostAsync();

    /// <summary>The bot alone by default; tests that need more components register them here.</summary>
    protected virtual Task<TelegramTestHost> StartHostAsync() =>
        TelegramTestHost.StartAsync((services, config) => services.AddTelegramBot(config), captureSubscriptionRequests: true);

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>The user writes <paramref name="text"/>; returns the bot's reply and the user's message id.</summary>
    protected async Task<(BotApiCall Reply, int UserMessageId)> SayAsync(long chatId, string text)
    {
        var before = Server.Calls.Count;
        var messageId = Server.EnqueueText(chatId, text);
        var reply = await Server.WaitForNextCallAsync(before, c => c.Is("sendMessage") && c.ChatId == chatId && c.Succeeded, Timeout);
        return (reply, messageId);
    }

    /// <summary>The user presses a button; returns the callback answer and the calls made while handling it.</summary>
    protected async Task<(BotApiCall Answer, IReadOnlyList<BotApiCall> Calls)> PressAsync(long chatId, string data, int messageId)
    {
        var before = Server.Calls.Count;
        var queryId = Server.EnqueueCallback(chatId, data, messageId);
        var answer = await Server.WaitForNextCallAsync(before,
            c => c.Is("answerCallbackQuery") && c.Argument("callback_query_id") == queryId, Timeout);
        var calls = Server.Calls.Skip(before).Where(c => !c.Is("getUpdates")).ToList();
        return (answer, calls);
    }

    protected static IReadOnlyList<string> CallbackData(BotApiCall call)
    {
        if (call.ReplyMarkupJson is null) return [];
        using var doc = System.Text.Json.JsonDocument.Parse(call.ReplyMarkupJson);
        return doc.RootElement.GetProperty("inline_keyboard").EnumerateArray()
            .SelectMany(row => row.EnumerateArray())
            .Select(b => b.GetProperty("callback_data").GetString()!)
            .ToList();
    }
}

using PassportBot.Messaging;

namespace PassportBot.Telegram.Sending;

/// <summary>Prints messages instead of sending them: <c>passportbot demo</c> without a bot token.</summary>
public sealed class ConsoleNotifier(TextWriter output, TimeProvider time) : INotifier
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private int _nextId;

    public ConsoleNotifier(TimeProvider time) : this(Console.Out, time) { }

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        message = TelegramRendering.Render(message);
        var content = message.Content ?? string.Empty;
        var text = message.ParseMode is null ? content : HtmlText.ToPlainText(content);
        var header = $"── to {(message.Recipient?.Kind == RecipientKind.TelegramChannel ? "channel" : "chat")} {TelegramTarget.Describe(message.Recipient)} at {time.GetUtcNow():HH:mm:ss} UTC ({message.Kind}) ──";
        await _write.WaitAsync(cancellationToken);
        try
        {
            await output.WriteLineAsync(header.AsMemory(), cancellationToken);
            await output.WriteLineAsync(text.AsMemory(), cancellationToken);
            await output.WriteLineAsync();
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _write.Release();
        }
        return new SendResult.Sent(Interlocked.Increment(ref _nextId));
    }
}

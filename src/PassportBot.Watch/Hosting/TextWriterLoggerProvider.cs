using Microsoft.Extensions.Logging;

namespace PassportBot.Watch.Hosting;

/// <summary>The watch's diagnostic log (<c>--verbose</c>): one line per entry on the terminal's error writer, so
/// standard output stays the events' or the live view's.</summary>
internal sealed class TextWriterLoggerProvider(TextWriter writer, TimeProvider time) : ILoggerProvider
{
    private readonly Lock gate = new();

    private DateTimeOffset Now => time.GetUtcNow();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private void Write(string line)
    {
        lock (gate) writer.WriteLine(line);
    }

    private sealed class Logger(TextWriterLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var at = owner.Now.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            var text = $"{at} {Short(logLevel)} {category}: {formatter(state, exception)}";
            // Type and message only: a stack trace helps no user of the watch, and the message is what the code chose to say.
            if (exception is not null) text += $" ({exception.GetType().Name}: {exception.Message})";
            owner.Write(text);
        }

        private static string Short(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}

using PassportBot.Domain.Texts;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.Output;

/// <summary>Event lines on standard output (see <see cref="PlainEventFormat"/>); the session help, which is for
/// people, on standard error so that the line interface stays clean.</summary>
public sealed class PlainOutput(WatchTerminal terminal, TextCatalog texts) : IWatchOutput
{
    private readonly SemaphoreSlim write = new(1, 1);

    public async Task WriteAsync(IReadOnlyList<WatchEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return;
        await write.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var e in events)
            {
                await terminal.Output.WriteLineAsync(PlainEventFormat.Format(e)).ConfigureAwait(false);
                var help = e switch
                {
                    SessionExpired x => Help(texts.Watch.PlainSessionExpired, x.CookieFile, x.CsrfFile),
                    SessionMissing m => Help(texts.Watch.PlainSessionMissing, m.CookieFile, m.CsrfFile),
                    _ => null,
                };
                if (help is not null)
                {
                    await terminal.Error.WriteLineAsync(help).ConfigureAwait(false);
                    await terminal.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await terminal.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            write.Release();
        }
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string Help(string headline, string? cookieFile, string? csrfFile) =>
        string.Join(Environment.NewLine, [headline, .. SessionHelp.Steps(texts.Watch, cookieFile, csrfFile), texts.Watch.SessionResume]);
}

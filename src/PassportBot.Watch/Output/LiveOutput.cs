using PassportBot.Domain.Texts;
using PassportBot.Watch.Tracking;
using Spectre.Console;

namespace PassportBot.Watch.Output;

/// <summary>The live terminal view: redraws <see cref="LiveViewRenderer"/>'s picture when the status changes and
/// once a second (for "12 s ago").</summary>
public sealed class LiveOutput(WatchTerminal terminal, WatchStatus status, TimeProvider time, string? cookieFile, string? csrfFile, TextCatalog texts) : IWatchOutput
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private const int RecentNotices = 10;

    /// <summary>Slots reach the picture through the loop's snapshot; other events (Telegram failures, session
    /// changes) are added to its recent lines here so that the live view shows them too.</summary>
    public Task WriteAsync(IReadOnlyList<WatchEvent> events, CancellationToken cancellationToken)
    {
        var notices = events.Where(e => e is not SlotOpened and not SlotGone).ToArray();
        if (notices.Length > 0) status.Update(s => s with { Recent = [.. s.Recent.Concat(notices).TakeLast(RecentNotices)] });
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal.Output),
            Interactive = InteractionSupport.Yes,
        });
        var signal = NewSignal();
        void OnChanged() => Interlocked.Exchange(ref signal, NewSignal()).TrySetResult();
        status.Changed += OnChanged;
        try
        {
            await console.Live(Picture(console)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).StartAsync(async ctx =>
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var wake = Volatile.Read(ref signal).Task;
                    ctx.UpdateTarget(Picture(console));
                    ctx.Refresh();
                    await Task.WhenAny(wake, Task.Delay(Tick, time, cancellationToken)).ConfigureAwait(false);
                }
                ctx.UpdateTarget(Picture(console));
                ctx.Refresh();
            }).ConfigureAwait(false);
        }
        finally
        {
            status.Changed -= OnChanged;
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The picture must fit the terminal, or each redraw scrolls: leave room for the lines around the table.
    private Spectre.Console.Rendering.IRenderable Picture(IAnsiConsole console) =>
        LiveViewRenderer.Render(status.Current, time.GetUtcNow(), cookieFile, csrfFile, console.Profile.Height - 20, texts);
}

using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.Output;

/// <summary>Rings the terminal bell when new slots arrive, unless quiet. Rung on whichever stream is a terminal,
/// so the bell character never ends up in a piped or logged event stream.</summary>
public sealed class TerminalBell(WatchTerminal terminal, bool quiet)
{
    public async Task RingForAsync(IReadOnlyList<WatchEvent> events, CancellationToken cancellationToken)
    {
        if (quiet || !events.Any(e => e is SlotOpened)) return;
        var target = terminal.ErrorIsTerminal ? terminal.Error : terminal.OutputIsTerminal ? terminal.Output : null;
        if (target is null) return;
        await target.WriteAsync('\a').ConfigureAwait(false);
        await target.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}

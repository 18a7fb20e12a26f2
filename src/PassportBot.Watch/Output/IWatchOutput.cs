using PassportBot.Watch.Tracking;

namespace PassportBot.Watch.Output;

/// <summary>Shows the user what happens: plain event lines or a live view.</summary>
public interface IWatchOutput
{
    /// <summary>Events of one step of the loop, in order.</summary>
    Task WriteAsync(IReadOnlyList<WatchEvent> events, CancellationToken cancellationToken);

    /// <summary>Runs for as long as the watch (a live view redraws); returns once <paramref name="cancellationToken"/> fires.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}

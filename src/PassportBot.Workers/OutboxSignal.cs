namespace PassportBot.Workers;

/// <summary>Wakes a loop in this process as soon as there is work for it, so the work does not wait for the
/// loop's next poll of the database.</summary>
public abstract class WakeSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    /// <summary>Returns when signalled or after <paramref name="timeout"/>, whichever comes first; the loop
    /// looks for work either way.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var wait = _signal.WaitAsync(cts.Token);
        var delay = Task.Delay(timeout, time, cts.Token);
        await Task.WhenAny(wait, delay).ConfigureAwait(false);
        await cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(wait, delay).ConfigureAwait(false); } catch (OperationCanceledException) { }
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>Wakes the outbox relay in this process as soon as outbox entries were committed.</summary>
public sealed class OutboxSignal : WakeSignal;

/// <summary>Wakes the fan-out expander in this process as soon as a handler committed a fan-out job.</summary>
public sealed class FanOutSignal : WakeSignal;

namespace PassportBot.Workers;

/// <summary>Wakes the outbox relay in this process as soon as a handler committed outbox entries, so a
/// notification does not wait for the relay's next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try { _signal.Release(); }
        catch (SemaphoreFullException) { /* already signalled */ }
    }

    /// <summary>Returns when signalled or after <paramref name="timeout"/>, whichever comes first; the relay
    /// drains the outbox either way.</summary>
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

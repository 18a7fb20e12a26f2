namespace PassportBot.Messaging.RabbitMq;

/// <summary>Counts running handler calls so a stopping consumer can wait for them before closing its channel.</summary>
internal sealed class InFlightTracker
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private bool _closing;

    /// <summary>False once closing: the caller must not start work.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_closing) return false;
            _count++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            _count--;
            if (_closing && _count == 0) _idle.TrySetResult();
        }
    }

    /// <summary>Refuses new work and completes when the running calls have ended.</summary>
    public Task CloseAsync()
    {
        lock (_gate)
        {
            _closing = true;
            if (_count == 0) _idle.TrySetResult();
        }
        return _idle.Task;
    }
}

namespace PassportBot.Messaging.InMemory;

/// <summary>Single active consumer: consumers queue up; only the first receives, the next takes over when it leaves.</summary>
internal sealed class ActiveConsumerLine
{
    private readonly Lock _gate = new();
    private readonly LinkedList<TaskCompletionSource> _line = new();

    /// <summary>Joins the line; the returned ticket's task completes when this consumer becomes the active one.</summary>
    public TaskCompletionSource Join()
    {
        var ticket = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _line.AddLast(ticket);
            if (_line.First!.Value == ticket) ticket.TrySetResult();
        }
        return ticket;
    }

    public void Leave(TaskCompletionSource ticket)
    {
        lock (_gate)
        {
            var wasActive = _line.First?.Value == ticket;
            _line.Remove(ticket);
            if (wasActive) _line.First?.Value.TrySetResult();
        }
    }
}

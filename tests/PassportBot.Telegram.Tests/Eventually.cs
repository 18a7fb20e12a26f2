namespace PassportBot.Telegram.Tests;

/// <summary>Waits for a condition on state that has no change notification (counters bumped right after
/// the call the fake server recorded).</summary>
public static class Eventually
{
    public static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!condition())
        {
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException(describe());
            await tick.WaitForNextTickAsync();
        }
    }
}

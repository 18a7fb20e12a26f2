namespace PassportBot.Agenda.Tests;

internal static class Wait
{
    /// <summary>Polls a condition until it holds or the timeout passes (no fixed sleeps in tests).</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (cts.IsCancellationRequested) throw new TimeoutException($"Condition not met in time: {because}");
            await Task.Yield();
            await Task.Delay(10, CancellationToken.None);
        }
    }
}

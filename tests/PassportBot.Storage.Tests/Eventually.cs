namespace PassportBot.Storage.Tests;

internal static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Awaits the task, failing the test if it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<T> Within<T>(this Task<T> task, TimeSpan? timeout = null, string? what = null)
    {
        var limit = timeout ?? Timeout;
        if (await Task.WhenAny(task, Task.Delay(limit)) != task)
        {
            throw new TimeoutException($"{what ?? "The operation"} did not complete within {limit.TotalSeconds:0.#} s.");
        }
        return await task;
    }

    public static async Task Within(this Task task, TimeSpan? timeout = null, string? what = null)
    {
        var limit = timeout ?? Timeout;
        if (await Task.WhenAny(task, Task.Delay(limit)) != task)
        {
            throw new TimeoutException($"{what ?? "The operation"} did not complete within {limit.TotalSeconds:0.#} s.");
        }
        await task;
    }
}

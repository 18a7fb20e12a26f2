using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Scanning;

/// <summary>Bounds the requests made to the site at once across every concurrent scan (politeness).
/// Register as a singleton.</summary>
public sealed class AgendaRequestGate(IOptions<AgendaOptions> options) : IDisposable
{
    private readonly SemaphoreSlim semaphore = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await request(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            semaphore.Release();
        }
    }

    public void Dispose() => semaphore.Dispose();
}

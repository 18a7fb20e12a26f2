using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PassportBot.Web.Api;

/// <summary>Reuses query results for a short while and runs at most one query per key at a time, so a room full
/// of auto-refreshing dashboards costs the database one query per key per <see cref="WebOptions.CacheDuration"/>.</summary>
internal sealed class ReadCache(IOptions<WebOptions> options, TimeProvider time)
{
    // Keys come from validated query parameters, but limits alone allow thousands of combinations.
    private const int SweepThreshold = 512;

    private readonly ConcurrentDictionary<object, Entry> _entries = new();
    private readonly TimeSpan _duration = options.Value.CacheDuration;

    public async Task<T> GetAsync<T>(object key, Func<CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        if (_duration <= TimeSpan.Zero) return await query(cancellationToken).ConfigureAwait(false);

        var entry = GetOrStart(key, query);
        try
        {
            return (T)await entry.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (!entry.Task.IsCompletedSuccessfully && entry.Task.IsCompleted)
        {
            // A failure is not an answer worth keeping: the next request tries again.
            _entries.TryRemove(new KeyValuePair<object, Entry>(key, entry));
            throw;
        }
    }

    private Entry GetOrStart<T>(object key, Func<CancellationToken, Task<T>> query)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (_entries.TryGetValue(key, out var existing) && !existing.IsStale(now)) return existing;

            var created = new Entry(now + _duration, new Lazy<Task<object>>(() => RunShared(query)));
            var won = existing is null ? _entries.TryAdd(key, created) : _entries.TryUpdate(key, created, existing);
            if (!won) continue;
            if (_entries.Count > SweepThreshold) Sweep(now);
            return created;
        }
    }

    // The query is shared by every waiting request, so one caller giving up must not cancel it.
    private static async Task<object> RunShared<T>(Func<CancellationToken, Task<T>> query) =>
        (await query(CancellationToken.None).ConfigureAwait(false))!;

    private void Sweep(DateTimeOffset now)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.IsStale(now)) _entries.TryRemove(pair);
        }
    }

    private sealed class Entry(DateTimeOffset expires, Lazy<Task<object>> task)
    {
        // Lazy: only the entry that won the race starts a query.
        public Task<object> Task => task.Value;

        public bool IsStale(DateTimeOffset now) =>
            task.IsValueCreated && Task.IsCompleted && (now >= expires || !Task.IsCompletedSuccessfully);
    }
}

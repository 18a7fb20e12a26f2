using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Storage;
using PassportBot.Web.Api;

namespace PassportBot.Web.Live;

/// <summary>One server-sent event: its type (<c>new</c>, <c>changed</c>, <c>gone</c>, <c>status</c>) and JSON data.</summary>
internal sealed record LiveEvent(string Type, string Data);

/// <summary>Pushes new, changed and gone slots and freshness changes to the open dashboards. While anyone
/// listens it compares the open slots in the database every <see cref="WebOptions.LiveInterval"/> with the
/// previous read: the database is where every process's results meet, so the same code serves the embedded
/// host and a web process of its own in scale-out, and comparing states (rather than reading rows newer than a
/// cursor) cannot miss a change committed late with an earlier poll time. One read per interval serves every
/// listener of this process.</summary>
internal sealed partial class LiveSlotFeed(
    IDashboardQueries queries,
    FreshnessProbe freshness,
    IOptions<WebOptions> options,
    TimeProvider time,
    ILogger<LiveSlotFeed> logger) : BackgroundService
{
    // A listener that falls this far behind (a stalled connection) loses the oldest events, never the server's memory.
    private const int ListenerBuffer = 1000;
    private const int MaxOpenSlots = 1_000_000;

    private readonly ConcurrentDictionary<Channel<LiveEvent>, byte> _listeners = new();
    private readonly SemaphoreSlim _someoneListens = new(0, 1);

    public int ListenerCount => _listeners.Count;

    /// <summary>Events from now on, until <paramref name="cancellationToken"/> ends the connection.</summary>
    public async IAsyncEnumerable<LiveEvent> ListenAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(ListenerBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        _listeners.TryAdd(channel, 0);
        try { _someoneListens.Release(); } catch (SemaphoreFullException) { /* already awake */ }
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false)) yield return item;
        }
        finally
        {
            _listeners.TryRemove(channel, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Dictionary<SlotKey, SlotView>? open = null;
        StatusDto? status = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_listeners.IsEmpty)
                {
                    // Nobody to tell: forget the state (it would be old by the next listener) and wait.
                    open = null;
                    status = null;
                    await _someoneListens.WaitAsync(stoppingToken).ConfigureAwait(false);
                    continue;
                }

                (open, status) = await TickAsync(open, status, stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.LiveInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database may be briefly away; keep the last state and try again.
                LogTickFailed(ex);
                try { await Task.Delay(options.Value.LiveInterval, time, stoppingToken).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
        }
    }

    private async Task<(Dictionary<SlotKey, SlotView>, StatusDto)> TickAsync(
        Dictionary<SlotKey, SlotView>? previous, StatusDto? previousStatus, CancellationToken ct)
    {
        var rows = await queries.GetSlotsAsync(null, SlotState.Open, MaxOpenSlots, ct).ConfigureAwait(false);
        var current = new Dictionary<SlotKey, SlotView>(rows.Count);
        foreach (var row in rows) current[new SlotKey(row.OfficeId, row.Date, row.Time)] = row;
        var status = await freshness.CheckAsync(ct).ConfigureAwait(false);

        if (previousStatus is null || previousStatus.Stale != status.Stale || previousStatus.Reason != status.Reason
            || previousStatus.LastPollAt != status.LastPollAt)
        {
            Broadcast(new LiveEvent("status", JsonSerializer.Serialize(status, ApiJsonContext.Default.StatusDto)));
        }
        if (previous is null) return (current, status); // the first read is the baseline

        var gone = previous.Keys.Where(k => !current.ContainsKey(k)).ToList();
        foreach (var (key, slot) in current)
        {
            if (!previous.TryGetValue(key, out var before) || before.FirstSeen != slot.FirstSeen) Broadcast(Slot("new", slot));
            else if (before.Places != slot.Places) Broadcast(Slot("changed", slot));
        }
        if (gone.Count > 0)
        {
            // The stored record says when it went; a slot not found there (closed and already reopened) keeps its last view.
            var recent = (await queries.GetRecentlyGoneAsync(null, gone.Count + 100, ct).ConfigureAwait(false))
                .ToDictionary(s => new SlotKey(s.OfficeId, s.Date, s.Time));
            foreach (var key in gone) Broadcast(Slot("gone", recent.GetValueOrDefault(key) ?? previous[key]));
        }
        return (current, status);
    }

    private static LiveEvent Slot(string kind, SlotView slot) =>
        new(kind, JsonSerializer.Serialize(new LiveSlotEventDto(kind, SlotDto.From(slot)), ApiJsonContext.Default.LiveSlotEventDto));

    private void Broadcast(LiveEvent item)
    {
        foreach (var listener in _listeners.Keys) listener.Writer.TryWrite(item);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live slot feed: reading the database failed; retrying")]
    private partial void LogTickFailed(Exception exception);
}

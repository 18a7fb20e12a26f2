using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
using PassportBot.Resilience;
using PassportBot.Watch.Output;
using PassportBot.Watch.Push;
using PassportBot.Watch.State;
using PassportBot.Watch.Tracking;

namespace PassportBot.Watch;

/// <summary>The watch loop: every interval (with jitter) scans each province with the shared
/// <see cref="IProvinceScanner"/>, turns what changed into events through <see cref="SlotTracker"/>, shows and
/// pushes them, and keeps the state file. A spent session pauses it until new token files arrive; a failing site
/// makes it back off. Nothing but cancellation ends it.</summary>
public sealed partial class Watcher(
    IAgendaSession session,
    IProvinceScanner scanner,
    IWatchOutput output,
    TerminalBell bell,
    WatchStatus status,
    IOptions<WatchOptions> watchOptions,
    IOptions<AgendaOptions> agendaOptions,
    WatchRuntime runtime,
    TimeProvider time,
    ILogger<Watcher> logger,
    TelegramPush? push = null,
    TargetPush? targetPush = null,
    TextCatalog? texts = null)
{
    private const int RecentEvents = 10;
    private readonly WatchOptions options = watchOptions.Value;
    private readonly WatchStateStore store = new(watchOptions.Value.EffectiveStateFile);
    private readonly WatchFilter filter = WatchFilter.From(watchOptions.Value, time);
    private SlotTracker tracker = null!;
    private bool paused;
    private bool missingReported;

    public string StateFile => store.Path;

    /// <summary>Watches until <paramref name="cancellationToken"/> fires, then saves the state and returns.</summary>
    /// <exception cref="WatchStateInUseException">Another watch uses the same state file.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var claim = store.Claim();
        var loaded = await store.LoadAsync(cancellationToken).ConfigureAwait(false);
        tracker = new SlotTracker(new SlotLifecycle(options.GraceWindow, options.MissesToClose), filter, options.ScheduledLookAhead, loaded.State);
        status.Update(_ => WatchSnapshot.Initial with
        {
            Provinces = options.QuesturaProvinces,
            Filter = options.Describe((texts ?? TextCatalog.En).Watch),
            Credentials = session.State,
            OpenSlots = tracker.OpenSlots(),
            Demo = runtime.Demo,
        });
        if (loaded.Problem is not null) await PublishAsync([new WatchError(time.GetUtcNow(), "state", loaded.Problem, null)], cancellationToken).ConfigureAwait(false);

        var background = new List<Task> { output.RunAsync(cancellationToken) };
        if (push is not null) background.Add(push.RunAsync(cancellationToken));
        if (targetPush is not null) background.Add(targetPush.RunAsync(cancellationToken));
        try
        {
            await LoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await SaveAsync(CancellationToken.None).ConfigureAwait(false);
            await Task.WhenAll(background).ConfigureAwait(false);
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            if (!await CredentialsReadyAsync(ct).ConfigureAwait(false))
            {
                await Task.Delay(options.CredentialCheckInterval, time, ct).ConfigureAwait(false);
                continue;
            }

            var errors = await ScanAllAsync(ct).ConfigureAwait(false);
            await SaveAsync(ct).ConfigureAwait(false);
            if (paused) continue;

            failures = errors.Failed ? failures + 1 : 0;
            var delay = failures == 0 ? Jitter(options.Interval) : Backoff(failures);
            var now = time.GetUtcNow();
            status.Update(s => s with
            {
                LastPollAt = now,
                NextPollAt = now + delay,
                ConsecutiveFailures = failures,
                LastError = errors.Messages.Count > 0 ? string.Join("; ", errors.Messages.Select(m => m.Message)) : null,
            });
            if (errors.Messages.Count > 0)
                await PublishAsync(errors.Messages.Select(m => new WatchError(now, m.Scope, m.Message, delay)).ToArray(), ct).ConfigureAwait(false);
            await Task.Delay(delay, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>True when there are credentials to use; says once that they are missing, and says when they return.</summary>
    private async Task<bool> CredentialsReadyAsync(CancellationToken ct)
    {
        var state = await session.RefreshAsync(ct).ConfigureAwait(false);
        status.Update(s => s with { Credentials = state });
        if (state == CredentialState.Valid)
        {
            // Refused credentials tried again: said to be back only once a scan works with them.
            if (paused && session.Retrying)
            {
                paused = false;
                return true;
            }
            if (paused || missingReported)
            {
                paused = missingReported = false;
                LogResumed();
                await PublishAsync([new SessionResumed(time.GetUtcNow())], ct).ConfigureAwait(false);
            }
            return true;
        }
        if (state == CredentialState.Missing && !missingReported && !paused)
        {
            missingReported = true;
            await PublishAsync([new SessionMissing(time.GetUtcNow(), agendaOptions.Value.CookieFile, agendaOptions.Value.CsrfTokenFile)], ct).ConfigureAwait(false);
        }
        return false;
    }

    private async Task<ScanErrors> ScanAllAsync(CancellationToken ct)
    {
        var messages = new List<(string Scope, string Message)>();
        var failed = false;
        var provinces = options.QuesturaProvinces;
        for (var i = 0; i < provinces.Count && !paused; i++)
        {
            if (i > 0) await Task.Delay(Spread(), time, ct).ConfigureAwait(false);
            var province = provinces[i];
            var credentials = session.Current;
            if (credentials is null) { paused = true; break; }
            try
            {
                var scan = await scanner.ScanAsync(province, ct).ConfigureAwait(false);
                var events = tracker.Apply(scan, time.GetUtcNow());
                if (session.ReportWorking(credentials))
                {
                    LogResumed();
                    await PublishAsync([new SessionResumed(time.GetUtcNow())], ct).ConfigureAwait(false);
                }
                status.Update(s => s with
                {
                    LastSuccessAt = scan.PolledAt,
                    Polls = s.Polls + 1,
                    OpenSlots = tracker.OpenSlots(),
                    Recent = events.Count == 0 ? s.Recent : [.. s.Recent.Concat(events).TakeLast(RecentEvents)],
                });
                await PublishAsync(events, ct).ConfigureAwait(false);
                if (!scan.Complete) messages.Add((province, "partial scan: " + string.Join("; ", scan.Errors.Take(3))));
            }
            catch (AgendaSessionExpiredException ex)
            {
                paused = true;
                status.Update(s => s with { Credentials = CredentialState.Expired, LastError = "session expired" });
                if (session.ReportExpired(credentials, ex.Message))
                {
                    LogExpired(credentials.Fingerprint);
                    await PublishAsync([new SessionExpired(time.GetUtcNow(), ex.Message, agendaOptions.Value.CookieFile, agendaOptions.Value.CsrfTokenFile)], ct)
                        .ConfigureAwait(false);
                }
            }
            catch (AgendaCredentialsMissingException)
            {
                // The token files vanished meanwhile: the next credential check says so.
                break;
            }
            catch (AgendaException ex)
            {
                failed = true;
                messages.Add((province, ex.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug must not end a watch the user relies on: report it and carry on at the next interval.
                LogScanCrashed(province, ex);
                failed = true;
                messages.Add((province, $"unexpected {ex.GetType().Name}: {ex.Message}"));
            }
        }
        return new ScanErrors(messages, failed);
    }

    private async Task PublishAsync(IReadOnlyList<WatchEvent> events, CancellationToken ct)
    {
        if (events.Count == 0) return;
        await output.WriteAsync(events, ct).ConfigureAwait(false);
        await bell.RingForAsync(events, ct).ConfigureAwait(false);
        push?.Enqueue(events);
        targetPush?.Enqueue(events);
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        if (tracker is null) return;
        try
        {
            await store.SaveAsync(tracker.Export(), time.GetUtcNow(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await PublishAsync([new WatchError(time.GetUtcNow(), "state", $"could not save {store.Path}: {ex.Message}", null)], CancellationToken.None)
                .ConfigureAwait(false);
        }
    }

    private static TimeSpan Jitter(TimeSpan interval) => interval * (0.9 + 0.2 * Random.Shared.NextDouble());

    private TimeSpan Spread() => TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(1000, options.Interval.TotalMilliseconds / 10));

    // The wait is announced (next poll time, the errors' retry time) before it starts: a schedule, not a Polly retry.
    private TimeSpan Backoff(int failures) => Jitter(new ExponentialBackoff(options.Interval, options.MaxBackoff).DelayAfter(failures));

    private sealed record ScanErrors(IReadOnlyList<(string Scope, string Message)> Messages, bool Failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agenda session {Fingerprint} expired; waiting for new token files.")]
    private partial void LogExpired(string fingerprint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agenda credentials available; watching.")]
    private partial void LogResumed();

    [LoggerMessage(Level = LogLevel.Error, Message = "Scan of {Province} failed unexpectedly")]
    private partial void LogScanCrashed(string province, Exception exception);
}

/// <summary>How this watch was started.</summary>
/// <param name="Demo">Against the built-in simulator.</param>
public sealed record WatchRuntime(bool Demo);

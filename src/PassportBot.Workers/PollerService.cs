using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Storage;

namespace PassportBot.Workers;

/// <summary>Polls every followed province once per interval — once in total, however many poller replicas run:
/// a province's poll is claimed with a lease that lasts one interval, so a crashed replica's provinces are simply
/// claimed by another at their next due time. Publishes what it saw to <c>new_availabilities</c>.</summary>
public sealed partial class PollerService(
    IAgendaSession session,
    IProvinceScanner scanner,
    ISubscriptionStore subscriptions,
    ILeaseStore leases,
    IMessageBus bus,
    AdminAlerts alerts,
    PollerStatus status,
    IOptions<AgendaOptions> agendaOptions,
    IOptions<WorkersOptions> workerOptions,
    TimeProvider time,
    ILogger<PollerService> logger) : BackgroundService
{
    internal const string ExpiredAlert =
        "⚠️ PassportBot: the agenda session has expired ({0}). Polling is paused; everything else keeps running.\n" +
        "Send new credentials in this chat: /cookie followed by the Cookie header, and /csrf followed by the X-CSRF-TOKEN header, " +
        "or replace the cookie_token and xcsrf_token files. Polling resumes by itself.\n\n" +
        "⚠️ PassportBot: la sessione dell'agenda è scaduta. Invia qui i nuovi /cookie e /csrf, oppure aggiorna i file: il controllo riprenderà da solo.";

    internal const string ResumedAlert =
        "✅ PassportBot: new agenda credentials work, polling resumed.\n✅ PassportBot: nuove credenziali valide, il controllo è ripreso.";

    internal const string WorksAgainAlert =
        "✅ PassportBot: the agenda session refused earlier works again (the refusal was passing), polling resumed.\n" +
        "✅ PassportBot: la sessione dell'agenda rifiutata prima funziona di nuovo, il controllo è ripreso.";

    private readonly string _replica = Environment.MachineName + "-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _concurrency = new(workerOptions.Value.PollConcurrency);
    private bool _sawExpiry;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = workerOptions.Value.PollerTick;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CycleAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The database or broker may be briefly away; the poller must outlive that.
                LogCycleFailed(ex);
                status.Update(s => s with { LastError = ex.GetType().Name + ": " + ex.Message });
            }

            try { await Task.Delay(tick, time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }

        await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
    }

    private async Task CycleAsync(CancellationToken ct)
    {
        var state = await session.RefreshAsync(ct).ConfigureAwait(false);
        status.Update(s => s with { Credentials = state, LastCycleAt = time.GetUtcNow() });
        PassportBotMetrics.CredentialsAre(state.ToString().ToLowerInvariant());
        if (state != CredentialState.Valid) return;

        // Credentials tried again after an expiry are announced once a poll proves them (below), not now.
        if (_sawExpiry && !session.Retrying && session.Current is { } fresh)
        {
            _sawExpiry = false;
            await alerts.SendOnceAsync("resumed:" + fresh.Fingerprint, ResumedAlert, ct).ConfigureAwait(false);
        }

        var provinces = await subscriptions.GetFollowedProvincesAsync(ct).ConfigureAwait(false);
        status.Update(s => s with { ProvincesFollowed = provinces.Count });
        var interval = agendaOptions.Value.PollInterval;

        foreach (var province in provinces)
        {
            if (_inFlight.ContainsKey(province)) continue;
            // A fresh owner per claim: the lease is only taken when no one (this replica included) polled
            // the province within the last interval.
            var owner = _replica + ":" + Guid.NewGuid().ToString("N")[..8];
            if (!await leases.TryAcquireAsync("poll:" + province, owner, interval, ct).ConfigureAwait(false)) continue;
            var task = PollProvinceAsync(province, owner, ct);
            _inFlight[province] = task;
            _ = task.ContinueWith(_ => _inFlight.TryRemove(province, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task PollProvinceAsync(string province, string leaseOwner, CancellationToken ct)
    {
        await _concurrency.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var jitter = workerOptions.Value.PollJitter;
            if (jitter > TimeSpan.Zero)
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * jitter.TotalMilliseconds), time, ct).ConfigureAwait(false);

            var credentials = session.Current;
            if (credentials is null) { await ReleaseAsync(province, leaseOwner).ConfigureAwait(false); return; }

            // One trace per poll (a root span): the agenda requests, the updates it publishes and all they cause.
            Activity.Current = null;
            using var activity = PassportBotTelemetry.Source.StartActivity("poll", ActivityKind.Internal);
            activity?.SetTag(TelemetryTags.Province, province);
            var started = time.GetTimestamp();
            var outcome = "error";
            try
            {
                var scan = await scanner.ScanAsync(province, ct).ConfigureAwait(false);
                var pollId = Guid.CreateVersion7().ToString("N")[..16];
                activity?.SetTag(TelemetryTags.PollId, pollId);
                var updates = PollUpdates.From(scan, time.GetUtcNow(), agendaOptions.Value.ScheduledLookAhead, pollId);
                await bus.PublishManyAsync(Queues.NewAvailabilities, updates, ct).ConfigureAwait(false);
                if (session.ReportWorking(credentials))
                {
                    _sawExpiry = false;
                    await alerts.SendOnceAsync("works-again:" + credentials.Fingerprint + ":" + time.GetUtcNow().ToUnixTimeSeconds(), WorksAgainAlert, ct).ConfigureAwait(false);
                }
                status.Update(s => s with
                {
                    LastSuccessAt = time.GetUtcNow(),
                    PollsCompleted = s.PollsCompleted + 1,
                    LastError = scan.Complete ? s.LastError : $"{province}: {string.Join("; ", scan.Errors.Take(3))}",
                });
                LogPolled(province, scan.Offices.Count, scan.Offices.Sum(o => o.Slots.Count), scan.Complete);
                outcome = scan.Complete ? "success" : "partial";
                PassportBotMetrics.PollSucceeded(province, time.GetUtcNow());
            }
            catch (AgendaSessionExpiredException ex)
            {
                outcome = "expired";
                _sawExpiry = true;
                await ReleaseAsync(province, leaseOwner).ConfigureAwait(false);
                status.Update(s => s with { Credentials = CredentialState.Expired, LastError = ex.Message });
                if (session.ReportExpired(credentials, ex.Message))
                {
                    LogExpired(credentials.Fingerprint, ex.Message);
                    await alerts.SendOnceAsync("expired:" + credentials.Fingerprint, string.Format(ExpiredAlert, ex.Message), ct).ConfigureAwait(false);
                }
            }
            catch (AgendaCredentialsMissingException)
            {
                outcome = "missing";
                await ReleaseAsync(province, leaseOwner).ConfigureAwait(false);
            }
            catch (AgendaException ex)
            {
                // Transient: the client already retried with backoff; try again at the next interval.
                outcome = "failed";
                status.Update(s => s with { LastError = $"{province}: {ex.Message}" });
                LogPollFailed(province, ex.Message);
            }
            finally
            {
                activity?.SetTag(TelemetryTags.Outcome, outcome);
                if (outcome is not ("success" or "partial")) activity?.SetStatus(ActivityStatusCode.Error);
                if (!ct.IsCancellationRequested) PassportBotMetrics.PollCompleted(province, outcome, time.GetElapsedTime(started));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            status.Update(s => s with { LastError = $"{province}: {ex.GetType().Name}: {ex.Message}" });
            LogPollCrashed(province, ex);
        }
        finally
        {
            _concurrency.Release();
        }
    }

    private async Task ReleaseAsync(string province, string owner)
    {
        try { await leases.ReleaseAsync("poll:" + province, owner, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception ex) { LogCycleFailed(ex); }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Polled {Province}: {Offices} offices, {Slots} slots, complete: {Complete}")]
    private partial void LogPolled(string province, int offices, int slots, bool complete);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agenda session expired (credentials {Fingerprint}): {Reason}. Polling paused until new credentials arrive.")]
    private partial void LogExpired(string fingerprint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poll of {Province} failed: {Reason}")]
    private partial void LogPollFailed(string province, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poll of {Province} failed unexpectedly")]
    private partial void LogPollCrashed(string province, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poller cycle failed; retrying")]
    private partial void LogCycleFailed(Exception exception);
}

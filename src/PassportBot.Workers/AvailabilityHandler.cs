using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Storage;
using PassportBot.Targets;

namespace PassportBot.Workers;

/// <summary>Applies what the poller saw to the stored life of each slot and, for slots announced now, writes one
/// message per subscriber to the outbox in the same transaction: a slot is announced once, even across crashes,
/// restarts and concurrent handler replicas (the store serialises each province).</summary>
public sealed partial class AvailabilityHandler(
    IAvailabilityStore store,
    ISubscriptionStore subscriptions,
    OutboxSignal outboxSignal,
    IOptions<WorkersOptions> options,
    TimeProvider time,
    ILogger<AvailabilityHandler> logger,
    NotificationTargets? targets = null)
{
    private readonly SlotLifecycle _lifecycle = new(options.Value.GraceWindow, options.Value.MissesToClose);

    public async Task HandleAsync(AvailabilityUpdate update, CancellationToken cancellationToken)
    {
        if (!ProvinceCatalog.TryNormalize(update.Province, out var province))
            throw new PoisonMessageException($"Unknown province code '{Truncate(update.Province)}' in {update.Operation}.");

        var offices = update.Availability
            .Where(a => a.Office is not null && a.Office.Id > 0)
            .Select(a => a with { Office = a.Office with { Province = province }, Slots = a.Slots ?? [] })
            .ToList();
        var at = update.PolledAt;
        using var activity = PassportBotTelemetry.Source.StartActivity("apply " + update.Operation.ToString().ToLowerInvariant());
        activity?.SetTag(TelemetryTags.Province, province);
        activity?.SetTag(TelemetryTags.PollId, update.PollId);

        var result = update.Operation switch
        {
            AvailabilityOperation.Insert or AvailabilityOperation.InsertScheduled =>
                await OfferAsync(province, offices, update, at, cancellationToken).ConfigureAwait(false),
            AvailabilityOperation.SetInactive =>
                await ReconcileAsync(province, offices, update.Coverage ?? [], at, cancellationToken).ConfigureAwait(false),
            _ => throw new PoisonMessageException($"Unknown availability operation {(int)update.Operation}."),
        };

        if (result.Messages > 0) outboxSignal.Notify();
        PassportBotMetrics.SlotsAnnounced(province, result.Announced);
        PassportBotMetrics.SlotsClosed(province, result.Closed);
        activity?.SetTag(TelemetryTags.SlotsAnnounced, result.Announced);
        activity?.SetTag(TelemetryTags.SlotsClosed, result.Closed);
        activity?.SetTag(TelemetryTags.MessagesQueued, result.Messages);
        LogApplied(update.Operation, province, update.PollId, result.Announced, result.Closed, result.Messages);
    }

    private async Task<Result> OfferAsync(string province, List<OfficeAvailability> offices, AvailabilityUpdate update, DateTimeOffset at, CancellationToken ct)
    {
        await using var uow = await store.BeginAsync(province, ct).ConfigureAwait(false);
        await uow.UpsertOfficesAsync(offices.Select(o => o.Office).ToList(), ct).ConfigureAwait(false);
        var existing = await uow.GetSlotsAsync(offices.Select(o => o.Office.Id).ToHashSet(), ct).ConfigureAwait(false);

        var outcomes = new List<SlotOutcome>();
        var announcements = new List<(Office Office, IReadOnlyList<SlotObservation> Slots)>();
        foreach (var office in offices)
        {
            var fresh = new List<SlotObservation>();
            foreach (var slot in Distinct(office.Slots, office.Office.Id))
            {
                var outcome = _lifecycle.Offer(existing.GetValueOrDefault(slot.Key), slot, province, at);
                outcomes.Add(outcome);
                if (outcome.Transition == SlotTransition.Announce) fresh.Add(slot);
            }
            if (fresh.Count > 0) announcements.Add((office.Office, fresh));
        }

        await uow.SaveSlotsAsync(outcomes, at, ct).ConfigureAwait(false);

        var messageCount = 0;
        if (announcements.Count > 0)
        {
            var subscribers = await subscriptions.GetSubscribersAsync(province, ct).ConfigureAwait(false);
            var opensAt = update.Operation == AvailabilityOperation.InsertScheduled ? update.BookableAt : null;
            var messages = FanOut.Build(province, announcements, subscribers, opensAt, at, update.PollId, time.GetUtcNow(), Random.Shared);
            // Webhook and ntfy targets first: the relay then hands them to their own queue before the bulk DMs.
            messages.InsertRange(0, TargetFanOut.Announced(targets, province, announcements, opensAt, at, update.PollId, time.GetUtcNow()));
            if (messages.Count > 0)
            {
                // The outbox row carries this span's context, so the relay and the send continue the poll's trace.
                using var enqueue = PassportBotTelemetry.Source.StartActivity("outbox write");
                enqueue?.SetTag(TelemetryTags.MessagingBatchCount, messages.Count);
                var traceParent = MessagingTracing.CurrentTraceParent();
                var payloads = messages.ConvertAll(m => MessageJson.SerializeToString(traceParent is null ? m : m with { TraceParent = traceParent }));
                await uow.EnqueueAsync(Queues.Message.Name, payloads, time.GetUtcNow(), ct).ConfigureAwait(false);
            }
            messageCount = messages.Count;
        }

        await uow.CommitAsync(ct).ConfigureAwait(false);
        return new Result(announcements.Sum(a => a.Slots.Count), 0, messageCount);
    }

    private async Task<Result> ReconcileAsync(string province, List<OfficeAvailability> offices, IReadOnlyList<OfficeCoverage> coverage, DateTimeOffset at, CancellationToken ct)
    {
        await using var uow = await store.BeginAsync(province, ct).ConfigureAwait(false);
        await uow.UpsertOfficesAsync(offices.Select(o => o.Office).ToList(), ct).ConfigureAwait(false);
        var existing = await uow.GetSlotsAsync(offices.Select(o => o.Office.Id).ToHashSet(), ct).ConfigureAwait(false);

        var outcomes = new List<SlotOutcome>();
        var seen = new HashSet<SlotKey>();
        foreach (var office in offices)
        {
            foreach (var slot in Distinct(office.Slots, office.Office.Id))
            {
                seen.Add(slot.Key);
                outcomes.Add(_lifecycle.Observe(existing.GetValueOrDefault(slot.Key), slot, province, at));
            }
        }

        // Only what the poll read completely is evidence of absence; an office whose agenda failed to load is not.
        var coverageByOffice = coverage.GroupBy(c => c.OfficeId).ToDictionary(g => g.Key, g => g.ToList());
        var closed = 0;
        foreach (var open in await uow.GetOpenSlotsAsync(ct).ConfigureAwait(false))
        {
            if (seen.Contains(open.Key)) continue;
            if (!coverageByOffice.TryGetValue(open.Key.OfficeId, out var covers) || !covers.Any(c => c.Covers(open.Key))) continue;
            var outcome = _lifecycle.Miss(open, at);
            outcomes.Add(outcome);
            if (outcome.Transition == SlotTransition.Closed) closed++;
        }

        await uow.SaveSlotsAsync(outcomes, at, ct).ConfigureAwait(false);
        List<OutgoingMessage> gone = closed == 0 ? [] : TargetFanOut.Gone(targets, province, outcomes,
            offices.GroupBy(o => o.Office.Id).ToDictionary(g => g.Key, g => g.First().Office), at, null, time.GetUtcNow());
        if (gone.Count > 0)
            await uow.EnqueueAsync(Queues.Message.Name, gone.ConvertAll(MessageJson.SerializeToString), time.GetUtcNow(), ct).ConfigureAwait(false);
        await uow.CommitAsync(ct).ConfigureAwait(false);
        return new Result(0, closed, gone.Count);
    }

    /// <summary>The site has been seen to list a slot twice; keep the first, and drop slots of other offices.</summary>
    private static IEnumerable<SlotObservation> Distinct(IReadOnlyList<SlotObservation> slots, int officeId)
    {
        var keys = new HashSet<SlotKey>();
        foreach (var s in slots)
        {
            if (s is null || s.Key.OfficeId != officeId || s.Places <= 0) continue;
            if (keys.Add(s.Key)) yield return s;
        }
    }

    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 10 ? s : s[..10] + "…";

    private readonly record struct Result(int Announced, int Closed, int Messages);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} {Province} (poll {PollId}): {Announced} slots announced, {Closed} closed, {Messages} messages queued")]
    private partial void LogApplied(AvailabilityOperation operation, string province, string? pollId, int announced, int closed, int messages);
}

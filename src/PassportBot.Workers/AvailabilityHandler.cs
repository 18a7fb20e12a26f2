using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Notifications;
using PassportBot.Domain.Pipeline;
using PassportBot.Messaging;
using PassportBot.Observability;
using PassportBot.Storage;
using PassportBot.Targets;

namespace PassportBot.Workers;

/// <summary>Applies one poll to the stored slots with the domain's <see cref="SlotPipeline"/> in one transaction
/// that holds the province's lock, and writes what to tell in that same transaction: the webhook and ntfy target
/// messages, and one fan-out job for the subscribers (expanded after the commit by the <see cref="FanOutExpander"/>,
/// so the transaction's size does not grow with the subscriber count). A slot is announced once, even across
/// crashes, restarts and concurrent handler replicas.</summary>
public sealed partial class AvailabilityHandler(
    IAvailabilityStore store,
    OutboxSignal outboxSignal,
    FanOutSignal fanOutSignal,
    IOptions<WorkersOptions> options,
    TimeProvider time,
    ILogger<AvailabilityHandler> logger,
    NotificationTargets? targets = null,
    ChannelFanOut? channels = null)
{
    private readonly SlotPipeline _pipeline = new(new SlotLifecycle(options.Value.GraceWindow, options.Value.MissesToClose));

    /// <summary>The pseudo-province of <see cref="WarmUpAsync"/>: no Questura has it, so the warm-up never waits for
    /// a real poll's lock nor reads a real province's slots.</summary>
    public const string WarmUpProvince = "--";

    public async Task HandleAsync(AvailabilityUpdate update, CancellationToken cancellationToken)
    {
        if (!ProvinceCatalog.TryNormalize(update.Province, out var province))
            throw new PoisonMessageException($"Unknown province code '{Truncate(update.Province)}' in {update.Operation}.");

        // A poll is applied as one unit, whatever operation its message names.
        using var activity = PassportBotTelemetry.Source.StartActivity("apply poll");
        activity?.SetTag(TelemetryTags.Province, province);
        activity?.SetTag(TelemetryTags.Operation, update.Operation.ToString());
        activity?.SetTag(TelemetryTags.PollId, update.PollId);

        var (outcome, job, messages) = await ApplyAsync(update, province, commit: true, cancellationToken).ConfigureAwait(false);
        if (messages > 0) outboxSignal.Notify();
        if (!job.IsEmpty) fanOutSignal.Notify();
        var announcedCount = outcome.Announcements.Sum(a => a.Slots.Count);
        PassportBotMetrics.SlotsAnnounced(province, announcedCount);
        PassportBotMetrics.SlotsClosed(province, outcome.Closures.Count);
        activity?.SetTag(TelemetryTags.SlotsAnnounced, announcedCount);
        activity?.SetTag(TelemetryTags.SlotsClosed, outcome.Closures.Count);
        activity?.SetTag(TelemetryTags.MessagesQueued, messages);
        LogApplied(update.Operation, province, update.PollId, announcedCount, outcome.Closures.Count, messages, !job.IsEmpty);
    }

    /// <summary>Applies a poll that announces one new slot to <see cref="WarmUpProvince"/> in a transaction that is
    /// rolled back: the first real poll after a start then does not also pay for opening a database connection and
    /// for compiling the whole write path (the statements, the pipeline, the JSON of the job and of the outbox rows;
    /// Dapper's generated readers, which a JIT profile does not cover). Nothing is committed, signalled or counted.
    /// Failures are ignored: the first real poll meets them again and reports them. True when it ran to its end.</summary>
    public async Task<bool> WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            var day = DateOnly.FromDateTime(now.UtcDateTime).AddDays(30);
            // An office id no agenda uses, so no real office row is locked while the warm-up runs.
            var office = new Office(int.MaxValue, "WARMUP", "Warm-up", "", "", WarmUpProvince, new TimeOnly(9, 0));
            var sample = new AvailabilityUpdate(WarmUpProvince, AvailabilityOperation.SetInactive,
                [new OfficeAvailability(office, day, [new SlotObservation(new SlotKey(office.Id, day, new TimeOnly(9, 0)), 1)])], now)
            {
                PollId = "warm-up",
                Coverage = [new OfficeCoverage(office.Id, day, day)],
                Offers = [new OfficeOffer(office.Id)],
            };
            await ApplyAsync(MessageJson.Deserialize<AvailabilityUpdate>(MessageJson.SerializeToString(sample)), WarmUpProvince, commit: false, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogWarmUpFailed(ex.GetType().Name);
            return false;
        }
    }

    /// <summary>The poll's slot changes, target messages and fan-out job in one transaction, committed or (for the
    /// warm-up) rolled back.</summary>
    private async Task<(PollOutcome Outcome, FanOutJob Job, int Messages)> ApplyAsync(AvailabilityUpdate update, string province, bool commit, CancellationToken cancellationToken)
    {
        var poll = ToPoll(update, province);
        var officeIds = poll.Offices.Select(o => o.Seen.Office.Id).ToHashSet();

        await using var uow = await store.BeginAsync(province, cancellationToken).ConfigureAwait(false);
        await uow.UpsertOfficesAsync(poll.Offices.Select(o => o.Seen.Office).ToList(), cancellationToken).ConfigureAwait(false);
        var known = new Dictionary<SlotKey, SlotRecord>(await uow.GetSlotsAsync(officeIds, cancellationToken).ConfigureAwait(false));
        foreach (var open in await uow.GetOpenSlotsAsync(cancellationToken).ConfigureAwait(false)) known.TryAdd(open.Key, open);

        var outcome = _pipeline.Apply(poll, known);
        await uow.SaveSlotsAsync(outcome.Changes, poll.PolledAt, cancellationToken).ConfigureAwait(false);

        var offices = await OfficesAsync(uow, poll, outcome.Closures, cancellationToken).ConfigureAwait(false);
        var job = FanOutJob.From(province, update.PollId, poll.PolledAt, outcome.Announcements, Gone(outcome.Closures, offices));
        var now = time.GetUtcNow();
        // Webhook and ntfy targets are few: written now, so the relay hands them to their own queue first.
        var built = TargetMessages(province, outcome, offices, update.PollId, poll.PolledAt, now);
        // Channel posts are few too (one per office, merged under the channel's budget), and go before the direct messages.
        built.AddRange(channels?.Build(province, outcome.Announcements, job.Gone, update.PollId, poll.PolledAt, now) ?? []);
        // The warm-up writes one subscriber's message as well (rolled back): the fan-out's chunks use that insert.
        if (!commit && built.Count == 0 && outcome.Announcements.Count > 0)
            built.AddRange(FanOut.For(job, "warm-up", new FilteredSubscriber(1, Language.Italian, Domain.Filters.SubscriberFilter.None), now));
        // The outbox rows and the job carry this span's context, so the relay, the fan-out and the send continue the poll's trace.
        using var enqueue = commit && (built.Count > 0 || !job.IsEmpty) ? PassportBotTelemetry.Source.StartActivity("outbox write") : null;
        enqueue?.SetTag(TelemetryTags.MessagingBatchCount, built.Count);
        var traceParent = MessagingTracing.CurrentTraceParent();
        if (built.Count > 0)
        {
            var payloads = built.ConvertAll(m => MessageJson.SerializeToString(traceParent is null ? m : m with { TraceParent = traceParent }));
            await uow.EnqueueAsync(Queues.Message.Name, payloads, now, cancellationToken).ConfigureAwait(false);
        }
        if (!job.IsEmpty)
        {
            // The subscribers' messages: one row, expanded after the commit.
            await uow.AddFanOutJobAsync(OutgoingMessage.NewId(), MessageJson.SerializeToString(job with { TraceParent = traceParent }), now, cancellationToken).ConfigureAwait(false);
        }
        // Disposed without a commit, the unit of work rolls back.
        if (commit) await uow.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (outcome, job, built.Count);
    }

    /// <summary>The update as one poll. Version 1 split a poll into INSERT, INSERT SCHEDULED and SET INACTIVE
    /// messages; each still maps to the part of a poll it carried.</summary>
    private static ProvincePoll ToPoll(AvailabilityUpdate update, string province)
    {
        var offers = (update.Offers ?? []).GroupBy(o => o.OfficeId).ToDictionary(g => g.Key, g => g.First());
        var offices = new List<PolledOffice>();
        foreach (var a in update.Availability ?? [])
        {
            if (a?.Office is null || a.Office.Id <= 0) continue;
            var seen = a with { Office = a.Office with { Province = province }, Slots = a.Slots ?? [] };
            offices.Add(update.Operation switch
            {
                AvailabilityOperation.Insert => new PolledOffice(seen, true),
                AvailabilityOperation.InsertScheduled => new PolledOffice(seen, true, update.BookableAt),
                AvailabilityOperation.SetInactive => offers.TryGetValue(seen.Office.Id, out var offer)
                    ? new PolledOffice(seen, true, offer.BookableAt)
                    : new PolledOffice(seen, false),
                _ => throw new PoisonMessageException($"Unknown availability operation {(int)update.Operation}."),
            });
        }
        // Only SET INACTIVE carries what was read completely; INSERT (v1) is no evidence of absence.
        var coverage = update.Operation == AvailabilityOperation.SetInactive ? update.Coverage ?? [] : [];
        return new ProvincePoll(province, update.PolledAt, offices, coverage);
    }

    /// <summary>The offices of the poll and of the slots it closed after they were announced.</summary>
    private static async Task<Dictionary<int, Office>> OfficesAsync(IProvinceUnitOfWork uow, ProvincePoll poll, IReadOnlyList<Closure> closures, CancellationToken ct)
    {
        var offices = poll.Offices.Select(o => o.Seen.Office).DistinctBy(o => o.Id).ToDictionary(o => o.Id);
        var missing = closures.Where(c => c.WasAnnounced).Select(c => c.Record.Key.OfficeId).Where(id => !offices.ContainsKey(id)).ToHashSet();
        if (missing.Count > 0)
            foreach (var office in await uow.GetOfficesAsync(missing, ct).ConfigureAwait(false)) offices[office.Id] = office;
        return offices;
    }

    /// <summary>Closed slots that had been announced, grouped by office, with the places they last had.</summary>
    private static IReadOnlyList<OfficeSlots> Gone(IReadOnlyList<Closure> closures, Dictionary<int, Office> offices) =>
        closures
            .Where(c => c.WasAnnounced && offices.ContainsKey(c.Record.Key.OfficeId))
            .GroupBy(c => c.Record.Key.OfficeId)
            .Select(g => new OfficeSlots(offices[g.Key], g.OrderBy(c => c.Record.Key).Select(c => new NotifiedSlot(c.Record.Key.Date, c.Record.Key.Time, c.LastPlaces)).ToList()))
            .ToList();

    private List<OutgoingMessage> TargetMessages(string province, PollOutcome outcome, Dictionary<int, Office> offices, string? pollId, DateTimeOffset polledAt, DateTimeOffset now)
    {
        var messages = new List<OutgoingMessage>();
        if (targets is null) return messages;
        foreach (var group in outcome.Announcements.GroupBy(a => a.BookableAt))
        {
            var announced = group.Select(a => (a.Office, a.Slots)).ToList();
            messages.AddRange(TargetFanOut.Announced(targets, province, announced, group.Key, polledAt, pollId, now));
        }
        if (outcome.Closures.Count > 0)
            messages.AddRange(TargetFanOut.Gone(targets, province, Gone(outcome.Closures, offices), polledAt, pollId, now));
        return messages;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handler warm-up did not complete ({Error})")]
    private partial void LogWarmUpFailed(string error);

    private static string Truncate(string? s) => s is null ? "(null)" : s.Length <= 10 ? s : s[..10] + "…";

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} {Province} (poll {PollId}): {Announced} slots announced, {Closed} closed, {Messages} target messages queued, subscriber fan-out queued: {FanOut}")]
    private partial void LogApplied(AvailabilityOperation operation, string province, string? pollId, int announced, int closed, int messages, bool fanOut);
}

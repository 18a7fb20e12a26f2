using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PassportBot.Observability;

/// <summary>PassportBot's own instruments (prefix <c>passportbot.</c>; Prometheus shows them as
/// <c>passportbot_…</c> with the unit and <c>_total</c> suffixes). Names and units follow the OpenTelemetry
/// semantic conventions: durations are histograms in seconds, counts carry a <c>{thing}</c> annotation.
/// docs/operations.md explains each one.</summary>
public static class PassportBotMetrics
{
    // Seconds, from a fast local round trip to a fan-out that waits behind Telegram's limits for minutes.
    private static readonly double[] LatencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
    private static readonly double[] RequestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly Counter<long> Polls = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.agenda.polls", "{poll}", "Province polls, by outcome: success, partial (some office failed to load), expired, failed, error.");

    private static readonly Histogram<double> PollDuration = PassportBotTelemetry.Meter.CreateHistogram(
        "passportbot.agenda.poll.duration", "s", "Time to read one province (all its offices and months).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private static readonly Histogram<double> AgendaRequestDuration = PassportBotTelemetry.Meter.CreateHistogram(
        "passportbot.agenda.request.duration", "s", "One HTTP request to the agenda site until its response headers, by endpoint and status code.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });

    private static readonly Counter<long> SlotsNew = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.slots.new", "{slot}", "Slots announced (a new slot, or a cancellation seen again after the grace window).");

    private static readonly Counter<long> SlotsGone = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.slots.gone", "{slot}", "Slots closed: missing from enough complete polls, or their day is past.");

    private static readonly Counter<long> Sent = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.messages.sent", "{message}", "Messages Telegram accepted, by target kind and message kind.");

    private static readonly Counter<long> Failed = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.messages.failed", "{message}", "Messages not delivered by this attempt, by target kind and error type (bad_request, chat_unavailable, transient).");

    private static readonly Counter<long> RateLimited = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.messages.rate_limited", "{response}", "429 Too Many Requests answers from Telegram (all sending pauses for retry_after).");

    private static readonly Counter<long> DeadLetteredCounter = PassportBotTelemetry.Meter.CreateCounter<long>(
        "passportbot.messages.dead_lettered", "{message}",
        "Messages moved to a dead-letter queue, by queue and, for notifications, by the kind of target they were for (telegram, webhook, ntfy; unknown when unreadable).");

    private static readonly Histogram<double> DeliveryLatency = PassportBotTelemetry.Meter.CreateHistogram(
        "passportbot.message.delivery.duration", "s", "From the poll response that showed a slot to Telegram accepting the message about it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private static readonly Histogram<double> OutboxLag = PassportBotTelemetry.Meter.CreateHistogram(
        "passportbot.outbox.lag", "s", "How long an outbox entry waited between its transaction and its publication to the bus.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private static readonly ConcurrentDictionary<string, long> QueueDepths = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, long> LastSuccess = new(StringComparer.Ordinal);
    private static long _outboxPending = -1;
    private static long _fanOutJobsPending = -1;
    private static volatile string? _credentialState;

    /// <summary>Every state the agenda credentials can be in, so the gauge shows 0 for the others.</summary>
    public static readonly IReadOnlyList<string> CredentialStates = ["valid", "expired", "missing"];

    static PassportBotMetrics()
    {
        var meter = PassportBotTelemetry.Meter;
        meter.CreateObservableGauge("passportbot.queue.depth", ObserveQueues, "{message}",
            "Messages waiting in a queue (a '.dlq' name is a dead-letter queue), sampled every Observability:SampleInterval.");
        meter.CreateObservableGauge("passportbot.outbox.pending", ObserveOutbox, "{message}",
            "Outbox entries written but not yet published to the bus, sampled every Observability:SampleInterval.");
        meter.CreateObservableGauge("passportbot.fanout.jobs.pending", ObserveFanOutJobs, "{job}",
            "Fan-out jobs committed by a poll and not yet fully expanded into outbox entries, sampled every Observability:SampleInterval.");
        meter.CreateObservableGauge("passportbot.agenda.credentials", ObserveCredentials, null,
            "1 for the state the agenda credentials are in (valid, expired, missing), 0 for the others.");
        meter.CreateObservableGauge("passportbot.agenda.poll.last_success", ObserveLastSuccess, "s",
            "Unix time of the last successful poll of each province by this process.");
    }

    public static void PollCompleted(string province, string outcome, TimeSpan duration)
    {
        var tags = new TagList { { TelemetryTags.Province, province }, { TelemetryTags.Outcome, outcome } };
        Polls.Add(1, tags);
        PollDuration.Record(duration.TotalSeconds, tags);
    }

    public static void PollSucceeded(string province, DateTimeOffset at) => LastSuccess[province] = at.ToUnixTimeSeconds();

    public static void AgendaRequest(string endpoint, int? statusCode, string? errorType, TimeSpan duration)
    {
        var tags = new TagList { { TelemetryTags.AgendaEndpoint, endpoint } };
        if (statusCode is { } code) tags.Add(TelemetryTags.HttpStatusCode, code);
        if (errorType is not null) tags.Add(TelemetryTags.ErrorType, errorType);
        AgendaRequestDuration.Record(duration.TotalSeconds, tags);
    }

    public static void CredentialsAre(string state) => _credentialState = state;

    public static void SlotsAnnounced(string province, int count)
    {
        if (count > 0) SlotsNew.Add(count, new KeyValuePair<string, object?>(TelemetryTags.Province, province));
    }

    public static void SlotsClosed(string province, int count)
    {
        if (count > 0) SlotsGone.Add(count, new KeyValuePair<string, object?>(TelemetryTags.Province, province));
    }

    public static void MessageSent(long chatId, string messageKind, TimeSpan? sincePoll)
    {
        var tags = new TagList { { TelemetryTags.TargetKind, TargetKind(chatId) }, { TelemetryTags.MessageKind, messageKind } };
        Sent.Add(1, tags);
        if (sincePoll is { } latency && latency >= TimeSpan.Zero) DeliveryLatency.Record(latency.TotalSeconds, tags);
    }

    public static void MessageFailed(long chatId, string messageKind, string errorType) =>
        Failed.Add(1, new TagList { { TelemetryTags.TargetKind, TargetKind(chatId) }, { TelemetryTags.MessageKind, messageKind }, { TelemetryTags.ErrorType, errorType } });

    public static void MessageRateLimited(long chatId) =>
        RateLimited.Add(1, new KeyValuePair<string, object?>(TelemetryTags.TargetKind, TargetKind(chatId)));

    /// <param name="targetKind">telegram, webhook, ntfy or unknown for a notification; null for a queue that carries
    /// none (the tag is then left out).</param>
    public static void DeadLettered(string queue, string? targetKind = null)
    {
        var tags = new TagList { { TelemetryTags.MessagingDestination, queue } };
        if (targetKind is not null) tags.Add(TelemetryTags.TargetKind, targetKind);
        DeadLetteredCounter.Add(1, tags);
    }

    public static void OutboxRelayed(TimeSpan waited)
    {
        if (waited >= TimeSpan.Zero) OutboxLag.Record(waited.TotalSeconds);
    }

    public static void QueueDepth(string queue, long messages) => QueueDepths[queue] = messages;

    public static void OutboxPending(long entries) => Interlocked.Exchange(ref _outboxPending, entries);

    public static void FanOutJobsPending(long jobs) => Interlocked.Exchange(ref _fanOutJobsPending, jobs);

    /// <summary>Telegram chat ids of groups, supergroups and channels are negative; users' are positive.</summary>
    public static string TargetKind(long chatId) => chatId < 0 ? "group" : "user";

    private static IEnumerable<Measurement<long>> ObserveQueues() =>
        QueueDepths.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>(TelemetryTags.MessagingDestination, kv.Key)));

    private static IEnumerable<Measurement<long>> ObserveOutbox() => Sampled(Interlocked.Read(ref _outboxPending));

    private static IEnumerable<Measurement<long>> ObserveFanOutJobs() => Sampled(Interlocked.Read(ref _fanOutJobsPending));

    /// <summary>Nothing until the first sample (-1), so a process that never sampled exports no value.</summary>
    private static IEnumerable<Measurement<long>> Sampled(long value) => value < 0 ? [] : [new Measurement<long>(value)];

    private static IEnumerable<Measurement<int>> ObserveCredentials()
    {
        var current = _credentialState;
        if (current is null) return [];
        return CredentialStates.Select(s => new Measurement<int>(s == current ? 1 : 0, new KeyValuePair<string, object?>(TelemetryTags.CredentialState, s)));
    }

    private static IEnumerable<Measurement<long>> ObserveLastSuccess() =>
        LastSuccess.Select(kv => new Measurement<long>(kv.Value, new KeyValuePair<string, object?>(TelemetryTags.Province, kv.Key)));
}

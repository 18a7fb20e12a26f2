using System.Diagnostics;

namespace PassportBot.Observability;

/// <summary>Spans around the queues and the W3C <c>traceparent</c> that carries a trace across them: the
/// publisher writes it next to each message (a broker header, an in-process envelope field, an outbox payload
/// field) and the consumer continues the trace from it.</summary>
public static class MessagingTracing
{
    /// <summary>The W3C header and field name.</summary>
    public const string TraceParentHeader = "traceparent";

    /// <summary>A producer span for one publish (of one or many messages) to <paramref name="queue"/>.</summary>
    public static Activity? StartPublish(string system, string queue, int count)
    {
        var activity = PassportBotTelemetry.Source.StartActivity("send " + queue, ActivityKind.Producer);
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.MessagingSystem, system);
        activity.SetTag(TelemetryTags.MessagingDestination, queue);
        activity.SetTag(TelemetryTags.MessagingOperationType, "send");
        activity.SetTag(TelemetryTags.MessagingOperationName, "send");
        if (count != 1) activity.SetTag(TelemetryTags.MessagingBatchCount, count);
        return activity;
    }

    /// <summary>A consumer span for handling one delivery, continuing the trace of <paramref name="traceParent"/>
    /// (null or malformed: a new trace).</summary>
    public static Activity? StartProcess(string system, string queue, string? traceParent, int attempt)
    {
        if (!PassportBotTelemetry.Source.HasListeners()) return null;
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = PassportBotTelemetry.Source.StartActivity("process " + queue, ActivityKind.Consumer, parent);
        if (activity is null) return null;
        activity.SetTag(TelemetryTags.MessagingSystem, system);
        activity.SetTag(TelemetryTags.MessagingDestination, queue);
        activity.SetTag(TelemetryTags.MessagingOperationType, "process");
        activity.SetTag(TelemetryTags.MessagingOperationName, "process");
        if (attempt > 1) activity.SetTag(TelemetryTags.MessagingDeliveryAttempt, attempt);
        return activity;
    }

    /// <summary>An internal span whose parent is a context carried with a message (e.g. an outbox entry).</summary>
    public static Activity? StartContinuation(string name, string? traceParent)
    {
        if (!PassportBotTelemetry.Source.HasListeners()) return null;
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        return PassportBotTelemetry.Source.StartActivity(name, ActivityKind.Internal, parent);
    }

    /// <summary>The current span as a W3C traceparent, or null when nothing is traced.</summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Marks a span failed with the exception's type (never its message, which may quote input).</summary>
    public static void Failed(this Activity? activity, Exception exception)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error);
        activity.SetTag(TelemetryTags.ErrorType, exception.GetType().FullName);
    }
}

using System.Globalization;
using System.Text;
using PassportBot.Observability;
using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>The AMQP properties and headers the bus writes and reads.</summary>
internal static class MessageHeaders
{
    public const string Attempts = "x-attempts";
    public const string Reason = "x-reason";
    public const string DeadAt = "x-dead-at";
    /// <summary>Set by a quorum queue on a redelivery: how many earlier deliveries of the message ended unsettled.</summary>
    public const string DeliveryCount = "x-delivery-count";
    /// <summary>Set by the broker when it dead-letters a message itself (e.g. <c>delivery_limit</c>).</summary>
    public const string FirstDeathReason = "x-first-death-reason";
    /// <summary>W3C trace context of the publisher, so the consumer's span continues the same trace.</summary>
    public const string TraceParent = MessagingTracing.TraceParentHeader;
    public const string ContentType = "application/json";

    public static BasicProperties ForPublish(string messageId, DateTimeOffset now, string? traceParent = null) => new()
    {
        ContentType = ContentType,
        DeliveryMode = DeliveryModes.Persistent,
        MessageId = messageId,
        Timestamp = new AmqpTimestamp(now.ToUnixTimeSeconds()),
        Headers = traceParent is null ? null : new Dictionary<string, object?>(StringComparer.Ordinal) { [TraceParent] = traceParent },
    };

    /// <summary>A copy of a delivered message's properties for republishing it with other headers.</summary>
    public static BasicProperties CopyForRepublish(IReadOnlyBasicProperties source, IEnumerable<KeyValuePair<string, object?>> headers)
    {
        var properties = new BasicProperties(source)
        {
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>(StringComparer.Ordinal),
        };
        properties.ClearExpiration();
        if (source.Headers is not null)
        {
            foreach (var (key, value) in source.Headers)
            {
                // The broker's own dead-letter history grows on every retry round; it is of no use downstream.
                if (key is not ("x-death" or "x-first-death-exchange" or "x-first-death-queue" or "x-first-death-reason" or "x-last-death-exchange" or "x-last-death-queue" or "x-last-death-reason" or DeliveryCount))
                    properties.Headers[key] = value;
            }
        }
        foreach (var (key, value) in headers)
        {
            if (value is null) properties.Headers.Remove(key);
            else properties.Headers[key] = value;
        }
        return properties;
    }

    /// <summary>How many deliveries of this message have failed before.</summary>
    public static int FailedAttempts(IReadOnlyBasicProperties properties) =>
        properties.Headers is { } headers && headers.TryGetValue(Attempts, out var value) ? ToInt(value) : 0;

    public static string? ReadString(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is { } headers && headers.TryGetValue(name, out var value) ? AsString(value) : null;

    public static DateTimeOffset? ReadTimestamp(IReadOnlyBasicProperties properties, string name) =>
        DateTimeOffset.TryParse(ReadString(properties, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>A count from a header of any AMQP type; anything negative or unreadable is 0, so a tampered header
    /// cannot buy a message retries beyond the limit.</summary>
    private static int ToInt(object? value) => value switch
    {
        int i => Math.Max(0, i),
        long l => (int)Math.Clamp(l, 0, int.MaxValue),
        short s => Math.Max((short)0, s),
        byte b => b,
        byte[] bytes when int.TryParse(Encoding.UTF8.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    private static string? AsString(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}

namespace PassportBot.Observability;

/// <summary>Attribute names: the OpenTelemetry semantic conventions where one exists, <c>passportbot.*</c> for ours.
/// None of them ever carries a token, a cookie, a chat id or message text.</summary>
public static class TelemetryTags
{
    public const string Province = "passportbot.province";
    public const string Outcome = "passportbot.outcome";
    public const string Operation = "passportbot.operation";
    public const string PollId = "passportbot.poll.id";
    public const string CredentialState = "passportbot.credentials.state";
    public const string AgendaEndpoint = "passportbot.agenda.endpoint";
    /// <summary>Who receives a message: <c>user</c> (a private chat) or <c>group</c> (a group or channel).</summary>
    public const string TargetKind = "passportbot.target.kind";
    /// <summary>Why a message exists: new, scheduled, gone, summary, alert, reply (availability: an older pre-rendered message).</summary>
    public const string MessageKind = "passportbot.message.kind";
    public const string SlotsAnnounced = "passportbot.slots.announced";
    public const string SlotsClosed = "passportbot.slots.closed";
    public const string MessagesQueued = "passportbot.messages.queued";

    public const string MessagingSystem = "messaging.system";
    public const string MessagingDestination = "messaging.destination.name";
    public const string MessagingOperationType = "messaging.operation.type";
    public const string MessagingOperationName = "messaging.operation.name";
    public const string MessagingBatchCount = "messaging.batch.message_count";
    public const string MessagingMessageId = "messaging.message.id";
    public const string MessagingDeliveryAttempt = "passportbot.delivery.attempt";
    public const string HttpStatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
}

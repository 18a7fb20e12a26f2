namespace PassportBot.Messaging;

/// <summary>The broker holds a queue this version cannot use as it is (declared earlier with other arguments).
/// The message is one line for the operator: the queue, what differs, and what to do.</summary>
public sealed class BusTopologyException(string message, Exception? inner = null) : Exception(message, inner)
{
}

using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>A message ready for the default exchange: routed straight to <see cref="Queue"/>.</summary>
internal readonly record struct AmqpMessage(string Queue, ReadOnlyMemory<byte> Body, BasicProperties Properties);

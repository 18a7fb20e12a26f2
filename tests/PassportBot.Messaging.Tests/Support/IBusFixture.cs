namespace PassportBot.Messaging.Tests.Support;

/// <summary>A bus under test plus the transport-level hooks the contract tests need.</summary>
public interface IBusFixture : IAsyncDisposable
{
    IMessageBus Bus { get; }

    IDeadLetterQueue DeadLetters { get; }

    /// <summary>Queues bytes as they are, bypassing serialisation (a broken or foreign publisher).</summary>
    Task PublishRawAsync(string queue, byte[] body, CancellationToken cancellationToken);

    /// <summary>Takes the next message's bytes straight from the queue, as they travel.</summary>
    Task<byte[]?> TakeRawAsync(string queue, CancellationToken cancellationToken);
}

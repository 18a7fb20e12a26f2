using PassportBot.Messaging.InMemory;

namespace PassportBot.Messaging.Tests.Support;

public sealed class InMemoryBusFixture : IBusFixture
{
    private readonly InMemoryMessageBus _bus = new();

    public IMessageBus Bus => _bus;

    public IDeadLetterQueue DeadLetters => _bus;

    public Task PublishRawAsync(string queue, byte[] body, CancellationToken cancellationToken)
    {
        _bus.PublishRaw(queue, body);
        return Task.CompletedTask;
    }

    public Task<byte[]?> TakeRawAsync(string queue, CancellationToken cancellationToken) => Task.FromResult(_bus.TakeRaw(queue));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

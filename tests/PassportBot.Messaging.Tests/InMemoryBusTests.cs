using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PassportBot.Messaging.InMemory;
using PassportBot.Messaging.Tests.Support;
using Xunit.Abstractions;

namespace PassportBot.Messaging.Tests;

public sealed class InMemoryBusTests(ITestOutputHelper output) : BusContractTests(output)
{
    protected override string TransportName => "memory";

    protected override Task<IBusFixture> CreateFixtureAsync() => Task.FromResult<IBusFixture>(new InMemoryBusFixture());

    [Fact]
    public async Task RedeliveryWaits_OnTheInjectedClock_DoublingPerAttempt()
    {
        var clock = new FakeTimeProvider(TestMessages.PolledAt);
        var bus = new InMemoryMessageBus(clock, NullLogger<InMemoryMessageBus>.Instance);
        var calls = 0;
        var consumer = await bus.ConsumeAsync(Queues.NewUser, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("down");
        }, new ConsumerOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxAttempts = 3 }, CancellationToken.None);
        await using var _ = consumer;

        await bus.PublishAsync(Queues.NewUser, TestMessages.Subscription(1), CancellationToken.None);
        await Wait.UntilAsync(() => bus.DelayedCount(Queues.NewUser.Name) == 1, Timeout, "the first failure to be scheduled");

        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, bus.DelayedCount(Queues.NewUser.Name));
        Assert.Equal(1, Volatile.Read(ref calls));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(() => Volatile.Read(ref calls) == 2 && bus.DelayedCount(Queues.NewUser.Name) == 1, Timeout, "the second failure after 1 s");

        clock.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, bus.DelayedCount(Queues.NewUser.Name));
        Assert.Equal(2, Volatile.Read(ref calls));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Wait.UntilAsync(async () => await bus.CountAsync("new_user.dlq", CancellationToken.None) == 1, Timeout, "the dead letter after 2 s more");

        var letter = Assert.Single(await bus.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(clock.GetUtcNow(), letter.DeadAt);
        Assert.Equal(3, Volatile.Read(ref calls));
    }

    [Fact]
    public async Task Dead_letters_are_capped_at_Bus_DeadLetterMaxLength_keeping_the_newest()
    {
        var bus = new InMemoryMessageBus(TimeProvider.System, NullLogger<InMemoryMessageBus>.Instance, journal: null,
            Microsoft.Extensions.Options.Options.Create(new BusOptions { DeadLetterMaxLength = 3 }));
        var messages = Enumerable.Range(0, 7).Select(TestMessages.Outgoing).ToList();
        await using var consumer = await bus.ConsumeAsync(Queues.Message, (_, _) => throw new PoisonMessageException("never deliverable"),
            new ConsumerOptions { SingleActiveConsumer = true }, CancellationToken.None);
        await bus.PublishManyAsync(Queues.Message, messages, CancellationToken.None);

        // Dead-lettered in order: the last one there means all were.
        await Wait.UntilAsync(async () => (await bus.ListAsync(Queues.Message.Name, 100, CancellationToken.None)).LastOrDefault()?.Body.Contains(messages[^1].Id) == true,
            Timeout, "the last message dead-lettered");
        var kept = (await bus.ListAsync(Queues.Message.Name, 100, CancellationToken.None))
            .Select(l => MessageJson.Deserialize<OutgoingMessage>(System.Text.Encoding.UTF8.GetBytes(l.Body)).Id);
        Assert.Equal(messages.TakeLast(3).Select(m => m.Id), kept);
    }
}

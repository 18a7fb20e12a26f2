using System.Collections.Concurrent;
using PassportBot.Messaging.Tests.Support;
using Xunit.Abstractions;

namespace PassportBot.Messaging.Tests;

/// <summary>The in-process bus with its message journal (the embedded mode): the whole bus contract, plus what
/// the journal is for — a crashed process's queues come back at the next start.</summary>
public sealed class JournaledInMemoryBusTests(ITestOutputHelper output) : BusContractTests(output)
{
    protected override string TransportName => "memory+journal";

    protected override async Task<IBusFixture> CreateFixtureAsync() => await JournaledBusFixture.CreateAsync();

    private JournaledBusFixture Journaled => (JournaledBusFixture)Fixture;

    [Fact]
    public async Task Messages_queued_when_the_process_dies_are_delivered_after_the_restart_and_handled_ones_are_not()
    {
        var messages = Enumerable.Range(1, 100).Select(TestMessages.Outgoing).ToList();
        var handledBefore = new ConcurrentBag<string>();
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The first process handles 10 messages; the 11th never finishes: the process is killed while handling it.
        var first = await Journaled.Current.ConsumeAsync(Queues.Message, async (m, ct) =>
        {
            if (handledBefore.Count == 10)
            {
                stuck.TrySetResult();
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
            }
            handledBefore.Add(m.Id);
        }, new ConsumerOptions { SingleActiveConsumer = true }, CancellationToken.None);
        await Journaled.Current.PublishManyAsync(Queues.Message, messages, CancellationToken.None);
        await stuck.Task.WaitAsync(Timeout);

        var restarted = Journaled.Restart();
        var handledAfter = new ConcurrentBag<string>();
        await using var second = await restarted.ConsumeAsync(Queues.Message, (m, _) =>
        {
            handledAfter.Add(m.Id);
            return Task.CompletedTask;
        }, new ConsumerOptions(), CancellationToken.None);
        await Wait.UntilAsync(() => handledAfter.Count >= 90, Timeout, "the 90 unhandled messages after the restart");

        Assert.Equal(messages.Select(m => m.Id).Except(handledBefore).Order(), handledAfter.Order());
        await first.DisposeAsync();
    }

    [Fact]
    public async Task The_first_delivery_is_counted_when_the_message_is_journaled_and_every_later_one_when_it_starts()
    {
        await Journaled.Current.PublishAsync(Queues.NewUser, TestMessages.Subscription(21), CancellationToken.None);
        Assert.Equal(1, Assert.Single(await Journaled.Journal.LoadAsync(CancellationToken.None)).Deliveries);

        // The first delivery writes nothing more: a process dying in it leaves one delivery counted, not two.
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var abandoned = await Journaled.Current.ConsumeAsync(Queues.NewUser, async (_, ct) =>
        {
            handling.TrySetResult();
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
        }, new ConsumerOptions(), CancellationToken.None);
        await handling.Task.WaitAsync(Timeout);
        Assert.Equal(1, Assert.Single(await Journaled.Journal.LoadAsync(CancellationToken.None)).Deliveries);

        // After the restart, the delivery is counted before its handler runs.
        var restarted = Journaled.Restart();
        var again = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = await restarted.ConsumeAsync(Queues.NewUser, async (_, ct) =>
        {
            again.TrySetResult();
            await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct);
        }, new ConsumerOptions(), CancellationToken.None);
        await again.Task.WaitAsync(Timeout);
        await Wait.UntilAsync(async () => (await Journaled.Journal.LoadAsync(CancellationToken.None)).Single().Deliveries == 2, Timeout, "the second delivery counted");
        await abandoned.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_message_that_kills_the_process_every_time_is_dead_lettered_after_the_delivery_limit()
    {
        var poison = TestMessages.Subscription(13);
        await Journaled.Current.PublishAsync(Queues.NewUser, poison, CancellationToken.None);
        var abandoned = new List<IAsyncDisposable>();
        for (var crash = 1; crash <= QueueTopology.DeliveryLimit; crash++)
        {
            var bus = crash == 1 ? Journaled.Current : Journaled.Restart();
            var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            abandoned.Add(await bus.ConsumeAsync(Queues.NewUser, async (_, ct) =>
            {
                handling.TrySetResult();
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, ct); // the process dies here
            }, new ConsumerOptions(), CancellationToken.None));
            await handling.Task.WaitAsync(Timeout);
        }

        var last = Journaled.Restart();
        var calls = 0;
        await using var consumer = await last.ConsumeAsync(Queues.NewUser, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        }, new ConsumerOptions(), CancellationToken.None);
        await Wait.UntilAsync(async () => await last.CountAsync("new_user.dlq", CancellationToken.None) == 1, Timeout, "the dead letter");

        var letter = Assert.Single(await last.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(MessageJson.SerializeToString(poison), letter.Body);
        Assert.Contains($"Delivered {QueueTopology.DeliveryLimit} times", letter.Reason);
        Assert.Equal(0, Volatile.Read(ref calls));
        // The dead letter itself survives a restart, and a replay gives the message a fresh start.
        var after = Journaled.Restart();
        Assert.Single(await after.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        foreach (var c in abandoned) await c.DisposeAsync();
        await consumer.DisposeAsync();
        var handled = new TaskCompletionSource<SubscriptionRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var replayed = await after.ConsumeAsync(Queues.NewUser, (m, _) =>
        {
            handled.TrySetResult(m);
            return Task.CompletedTask;
        }, new ConsumerOptions(), CancellationToken.None);
        Assert.Equal(1, await after.ReplayAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(poison, await handled.Task.WaitAsync(Timeout));
        await Wait.UntilAsync(async () => (await Journaled.Journal.LoadAsync(CancellationToken.None)).Count == 0, Timeout, "the journal emptied");
    }
}

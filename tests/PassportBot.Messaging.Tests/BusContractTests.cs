using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using PassportBot.Messaging.Tests.Support;
using Xunit.Abstractions;

namespace PassportBot.Messaging.Tests;

/// <summary>What every transport must do, run against each (in-process and a real RabbitMQ).</summary>
public abstract class BusContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly QueueDescriptor<OutgoingMessage> FanOut = new("fanout");

    private readonly List<IAsyncDisposable> _consumers = [];
    private IBusFixture? _fixture;

    protected ITestOutputHelper Output { get; } = output;

    protected IBusFixture Fixture => _fixture ?? throw new InvalidOperationException("Fixture not created.");

    protected IMessageBus Bus => Fixture.Bus;

    protected abstract string TransportName { get; }

    protected abstract Task<IBusFixture> CreateFixtureAsync();

    public async Task InitializeAsync() => _fixture = await CreateFixtureAsync();

    public async Task DisposeAsync()
    {
        foreach (var consumer in _consumers) await consumer.DisposeAsync();
        if (_fixture is not null) await _fixture.DisposeAsync();
    }

    protected async Task<IAsyncDisposable> ConsumeAsync<T>(QueueDescriptor<T> queue, Func<T, CancellationToken, Task> handler, ConsumerOptions? options = null)
    {
        var consumer = await Bus.ConsumeAsync(queue, handler, options ?? new ConsumerOptions(), CancellationToken.None);
        _consumers.Add(consumer);
        return consumer;
    }

    [Fact]
    public async Task PublishedBody_IsTheExactSnakeCaseJson()
    {
        await Bus.PublishAsync(Queues.NewUser, new SubscriptionRequest(42, null, SubscriptionOperation.RemoveAll), CancellationToken.None);
        await Bus.PublishAsync(Queues.Message, TestMessages.Outgoing(7), CancellationToken.None);

        var subscription = await Fixture.TakeRawAsync(Queues.NewUser.Name, CancellationToken.None);
        var outgoing = await Fixture.TakeRawAsync(Queues.Message.Name, CancellationToken.None);

        Assert.Equal("""{"chat_id":42,"operation":"REMOVE ALL","v":1}""", Encoding.UTF8.GetString(subscription!));
        Assert.Equal(MessageJson.Serialize(TestMessages.Outgoing(7)), outgoing);
    }

    [Fact]
    public async Task EachContractType_RoundTripsThroughItsQueue()
    {
        var subscriptions = new TaskCompletionSource<SubscriptionRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var availabilities = new TaskCompletionSource<AvailabilityUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        var messages = new TaskCompletionSource<OutgoingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ConsumeAsync(Queues.NewUser, (m, _) => { subscriptions.TrySetResult(m); return Task.CompletedTask; });
        await ConsumeAsync(Queues.NewAvailabilities, (m, _) => { availabilities.TrySetResult(m); return Task.CompletedTask; });
        await ConsumeAsync(Queues.Message, (m, _) => { messages.TrySetResult(m); return Task.CompletedTask; }, new ConsumerOptions { SingleActiveConsumer = true });

        var removeAll = new SubscriptionRequest(42, null, SubscriptionOperation.RemoveAll);
        var availability = TestMessages.Availability();
        await Bus.PublishAsync(Queues.NewUser, removeAll, CancellationToken.None);
        await Bus.PublishAsync(Queues.NewAvailabilities, availability, CancellationToken.None);
        await Bus.PublishAsync(Queues.Message, TestMessages.Outgoing(1), CancellationToken.None);

        Assert.Equal(removeAll, await subscriptions.Task.WaitAsync(Timeout));
        var received = await availabilities.Task.WaitAsync(Timeout);
        Assert.Equal(AvailabilityOperation.InsertScheduled, received.Operation);
        Assert.Equal(MessageJson.SerializeToString(availability), MessageJson.SerializeToString(received));
        Assert.Equal(TestMessages.Outgoing(1), await messages.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task OneConsumer_ReceivesInPublishOrder()
    {
        var received = new ConcurrentQueue<long>();
        await ConsumeAsync(Queues.NewUser, (m, _) => { received.Enqueue(m.ChatId); return Task.CompletedTask; });

        for (var i = 0; i < 100; i++) await Bus.PublishAsync(Queues.NewUser, TestMessages.Subscription(i), CancellationToken.None);
        await Bus.PublishManyAsync(Queues.NewUser, Enumerable.Range(100, 400).Select(i => TestMessages.Subscription(i)).ToList(), CancellationToken.None);

        await Wait.UntilAsync(() => received.Count >= 500, Timeout, "500 messages");
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), received);
    }

    [Fact]
    public async Task FailingHandler_GetsTheMessageAgain_AfterDoublingDelays()
    {
        var calls = new ConcurrentQueue<long>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await ConsumeAsync(Queues.NewUser, (_, _) =>
        {
            calls.Enqueue(Stopwatch.GetTimestamp());
            if (calls.Count <= 3) throw new InvalidOperationException("transient");
            done.TrySetResult();
            return Task.CompletedTask;
        }, new ConsumerOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxAttempts = 5 });

        await Bus.PublishAsync(Queues.NewUser, TestMessages.Subscription(1), CancellationToken.None);
        await done.Task.WaitAsync(Timeout);

        var at = calls.ToArray();
        Assert.Equal(4, at.Length);
        var gaps = at.Zip(at.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).ToArray();
        Output.WriteLine($"{TransportName}: redelivery gaps {string.Join(", ", gaps.Select(g => $"{g.TotalMilliseconds:0} ms"))}");
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(90), $"first gap {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(190), $"second gap {gaps[1]}");
        Assert.True(gaps[2] >= TimeSpan.FromMilliseconds(390), $"third gap {gaps[2]}");
        Assert.Equal(0, (await Bus.CountAsync(Queues.NewUser.Name + ".dlq", CancellationToken.None)).GetValueOrDefault());
    }

    [Fact]
    public async Task AfterMaxAttempts_MessageIsDeadLettered_ListedWithoutLoss_AndReplayed()
    {
        var failing = true;
        var attempts = 0;
        var handled = new TaskCompletionSource<SubscriptionRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ConsumeAsync(Queues.NewUser, (m, _) =>
        {
            Interlocked.Increment(ref attempts);
            if (Volatile.Read(ref failing)) throw new InvalidOperationException("office closed");
            handled.TrySetResult(m);
            return Task.CompletedTask;
        }, new ConsumerOptions { RetryDelay = TimeSpan.FromMilliseconds(20), MaxAttempts = 3 });

        var message = TestMessages.Subscription(77);
        await Bus.PublishAsync(Queues.NewUser, message, CancellationToken.None);
        await Wait.UntilAsync(async () => await Bus.CountAsync("new_user.dlq", CancellationToken.None) == 1, Timeout, "a dead letter");

        Assert.Equal(3, Volatile.Read(ref attempts));
        for (var look = 0; look < 2; look++)
        {
            var letter = Assert.Single(await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
            Assert.Equal(Queues.NewUser.Name, letter.Queue);
            Assert.Equal(MessageJson.SerializeToString(message), letter.Body);
            Assert.Equal(3, letter.Attempts);
            Assert.Contains("office closed", letter.Reason);
            Assert.NotNull(letter.DeadAt);
        }

        Volatile.Write(ref failing, false);
        Assert.Equal(1, await Fixture.DeadLetters.ReplayAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(message, await handled.Task.WaitAsync(Timeout));
        Assert.Empty(await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(0, await Fixture.DeadLetters.ReplayAsync(Queues.NewUser.Name, 10, CancellationToken.None));
    }

    [Fact]
    public async Task PoisonMessage_IsDeadLetteredAtOnce()
    {
        var attempts = 0;
        await ConsumeAsync(Queues.NewUser, (_, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new PoisonMessageException("unknown province");
        }, new ConsumerOptions { RetryDelay = TimeSpan.FromMilliseconds(10), MaxAttempts = 5 });

        await Bus.PublishAsync(Queues.NewUser, TestMessages.Subscription(1), CancellationToken.None);
        await Wait.UntilAsync(async () => (await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None)).Count == 1, Timeout, "a dead letter");

        var letter = Assert.Single(await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(1, letter.Attempts);
        Assert.Contains("unknown province", letter.Reason);
        Assert.Equal(1, Volatile.Read(ref attempts));
    }

    [Fact]
    public async Task MalformedBody_IsDeadLettered_AndTheConsumerKeepsRunning()
    {
        var received = new ConcurrentQueue<SubscriptionRequest>();
        await ConsumeAsync(Queues.NewUser, (m, _) => { received.Enqueue(m); return Task.CompletedTask; });

        await Fixture.PublishRawAsync(Queues.NewUser.Name, "{\"chat_id\": oops"u8.ToArray(), CancellationToken.None);
        await Fixture.PublishRawAsync(Queues.NewUser.Name, "<html>login</html>"u8.ToArray(), CancellationToken.None);
        await Bus.PublishAsync(Queues.NewUser, TestMessages.Subscription(5), CancellationToken.None);

        await Wait.UntilAsync(() => !received.IsEmpty, Timeout, "the valid message");
        await Wait.UntilAsync(async () => (await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None)).Count == 2, Timeout, "two dead letters");

        Assert.Equal(5, Assert.Single(received).ChatId);
        var letters = await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None);
        Assert.Equal(["{\"chat_id\": oops", "<html>login</html>"], letters.Select(l => l.Body).Order());
        Assert.All(letters, l => Assert.StartsWith("Malformed message", l.Reason));
    }

    [Fact]
    public async Task FanOutOf10000_ThreeCompetingConsumers_ConsumeEachMessageOnce()
    {
        const int total = 10_000;
        var seen = new ConcurrentDictionary<string, int>();
        var deliveries = 0;
        var options = new ConsumerOptions { Prefetch = 200, MaxConcurrency = 4 };
        for (var c = 0; c < 3; c++)
            await ConsumeAsync(FanOut, (m, _) =>
            {
                seen.AddOrUpdate(m.Id, 1, (_, n) => n + 1);
                Interlocked.Increment(ref deliveries);
                return Task.CompletedTask;
            }, options);
        var messages = Enumerable.Range(0, total).Select(TestMessages.Outgoing).ToList();

        var clock = Stopwatch.StartNew();
        await Bus.PublishManyAsync(FanOut, messages, CancellationToken.None);
        var published = clock.Elapsed;
        await Wait.UntilAsync(() => seen.Count == total, TimeSpan.FromSeconds(60), $"{total} distinct messages");
        var consumed = clock.Elapsed;

        Output.WriteLine($"{TransportName}: PublishManyAsync({total}) {published.TotalMilliseconds:0} ms = {total / published.TotalSeconds:0} msg/s; " +
                         $"published+consumed by 3 consumers {consumed.TotalMilliseconds:0} ms = {total / consumed.TotalSeconds:0} msg/s");
        Assert.Equal(total, Volatile.Read(ref deliveries));
        Assert.All(seen.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, await Bus.CountAsync(FanOut.Name, CancellationToken.None));
    }

    [Fact]
    public async Task SingleActiveConsumer_StandbyTakesOverWhenTheActiveOneIsDisposed()
    {
        const int total = 100;
        var byActive = new ConcurrentQueue<string>();
        var byStandby = new ConcurrentQueue<string>();
        var activeBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ConsumerOptions { SingleActiveConsumer = true, Prefetch = 10 };
        var active = await ConsumeAsync(Queues.Message, async (m, ct) =>
        {
            if (byActive.Count == 30)
            {
                // Stays in flight until disposed: a handler cut off mid-work must not lose its message.
                activeBusy.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, ct);
            }
            byActive.Enqueue(m.Id);
        }, options);
        await ConsumeAsync(Queues.Message, (m, _) => { byStandby.Enqueue(m.Id); return Task.CompletedTask; }, options);

        await Bus.PublishManyAsync(Queues.Message, Enumerable.Range(0, total).Select(TestMessages.Outgoing).ToList(), CancellationToken.None);
        await activeBusy.Task.WaitAsync(Timeout);
        Assert.Empty(byStandby);

        await active.DisposeAsync();
        await Wait.UntilAsync(() => byActive.Concat(byStandby).Distinct().Count() == total, Timeout, "every message after fail-over");

        Assert.Equal(30, byActive.Count);
        Assert.Equal(total - 30, byStandby.Distinct().Count());
        Assert.Empty(byActive.Intersect(byStandby));
    }

    [Fact]
    public async Task SingleActiveConsumer_OnAnOrdinaryQueue_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Bus.ConsumeAsync(Queues.NewUser, (_, _) => Task.CompletedTask, new ConsumerOptions { SingleActiveConsumer = true }, CancellationToken.None));
    }

    [Fact]
    public async Task DisposedConsumer_LeavesUndeliveredMessagesForTheNextOne()
    {
        var first = await ConsumeAsync(Queues.NewUser, (_, _) => Task.CompletedTask);
        await first.DisposeAsync();

        await Bus.PublishManyAsync(Queues.NewUser, Enumerable.Range(0, 5).Select(i => TestMessages.Subscription(i)).ToList(), CancellationToken.None);
        await Wait.UntilAsync(async () => await Bus.CountAsync(Queues.NewUser.Name, CancellationToken.None) == 5, Timeout, "5 queued messages");

        var received = new ConcurrentQueue<long>();
        await ConsumeAsync(Queues.NewUser, (m, _) => { received.Enqueue(m.ChatId); return Task.CompletedTask; });
        await Wait.UntilAsync(() => received.Count == 5, Timeout, "5 messages for the next consumer");
        Assert.Equal([0L, 1, 2, 3, 4], received);
    }
}

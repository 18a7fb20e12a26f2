using System.Collections.Concurrent;
using PassportBot.Messaging.RabbitMq;
using PassportBot.Messaging.Tests.Support;
using Xunit.Abstractions;

namespace PassportBot.Messaging.Tests;

public sealed class RabbitMqBusTests(ITestOutputHelper output) : BusContractTests(output)
{
    protected override string TransportName => "rabbitmq";

    protected override async Task<IBusFixture> CreateFixtureAsync() => await RabbitMqBusFixture.CreateAsync();

    [Fact]
    public async Task ConnectionClosedByTheBroker_MidStream_EveryPublishedMessageIsConsumed()
    {
        await using var fixture = await RabbitMqBusFixture.CreateWithOwnVirtualHostAsync();
        var bus = (RabbitMqMessageBus)fixture.Bus;
        var stream = new QueueDescriptor<OutgoingMessage>("stream");
        var received = new ConcurrentDictionary<string, bool>();
        await using var consumer = await bus.ConsumeAsync(stream, (m, _) => { received[m.Id] = true; return Task.CompletedTask; },
            new ConsumerOptions { Prefetch = 50, MaxConcurrency = 2 }, CancellationToken.None);

        var published = new ConcurrentQueue<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var publishing = Task.Run(async () =>
        {
            // Keeps publishing through the outage until well after the broker has closed the connection.
            var afterClose = 0;
            for (var n = 0; afterClose < 300; n++)
            {
                var message = TestMessages.Outgoing(n);
                await bus.PublishAsync(stream, message, deadline.Token);
                published.Enqueue(message.Id);
                if (closed.Task.IsCompleted) afterClose++;
            }
        });

        await Wait.UntilAsync(() => published.Count >= 200, Timeout, "200 publishes before the outage");
        await RabbitMqServer.CtlAsync("close_all_connections", "-p", fixture.VirtualHost!, "test");
        closed.TrySetResult();
        await publishing.WaitAsync(TimeSpan.FromSeconds(60));

        await Wait.UntilAsync(() => published.All(received.ContainsKey), TimeSpan.FromSeconds(60), "every published message");
        Output.WriteLine($"rabbitmq: {published.Count} published across the outage, {received.Count} distinct consumed, {bus.ConnectionRecoveries} recovery(ies)");
        Assert.True(bus.ConnectionRecoveries >= 1, "the connection was never lost and recovered");
    }

    [Fact]
    public async Task QueueDeclaredElsewhereWithOtherArguments_FailsWithOneLineNamingTheQueueAndTheWayOut()
    {
        // A classic queue without the delivery limit, as versions before quorum queues declared it.
        var fixture = (RabbitMqBusFixture)Fixture;
        await fixture.DeclareRawQueueAsync(Queues.Message.Name, CancellationToken.None);

        var error = await Assert.ThrowsAsync<BusTopologyException>(() =>
            Bus.PublishAsync(Queues.Message, TestMessages.Outgoing(1), CancellationToken.None).WaitAsync(Timeout));
        var startup = await Assert.ThrowsAsync<BusTopologyException>(() =>
            ((RabbitMqMessageBus)Bus).DeclareTopologyAsync(CancellationToken.None).WaitAsync(Timeout));

        Output.WriteLine(error.Message);
        foreach (var message in new[] { error.Message, startup.Message })
        {
            Assert.Contains($"'{fixture.Prefix}message'", message);
            Assert.Contains("PRECONDITION_FAILED", message);
            Assert.Contains("passportbot queues upgrade", message);
            Assert.DoesNotContain('\n', message);
        }
    }

    [Fact]
    public async Task Work_queues_are_quorum_queues_with_the_delivery_limit_and_dead_letter_queues_are_bounded()
    {
        var fixture = (RabbitMqBusFixture)Fixture;
        await ((RabbitMqMessageBus)Bus).DeclareTopologyAsync(CancellationToken.None);

        // RabbitMQ accepts a redeclaration only with identical arguments: this pins what the bus declared.
        foreach (var queue in Queues.AllNames)
        {
            await fixture.RedeclareAsync(queue + ".dlq", new Dictionary<string, object?>
            {
                ["x-max-length"] = QueueTopology.DeadLetterMaxLength,
                ["x-overflow"] = "drop-head",
            }, CancellationToken.None);
            var work = new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = QueueTopology.DeliveryLimit - 1, // the broker allows one delivery more
                ["x-dead-letter-exchange"] = "",
                ["x-dead-letter-routing-key"] = fixture.Prefix + queue + ".dlq",
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            };
            if (queue == Queues.Message.Name) work["x-single-active-consumer"] = true;
            await fixture.RedeclareAsync(queue, work, CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_message_that_kills_its_consumer_on_every_delivery_is_dead_lettered_after_the_delivery_limit()
    {
        var fixture = (RabbitMqBusFixture)Fixture;
        var poison = TestMessages.Subscription(13);
        await Bus.PublishAsync(Queues.NewUser, poison, CancellationToken.None);

        // Each "process" takes the message and dies without settling it; a healthy one would never see it again.
        var deaths = 0;
        while (await fixture.ReceiveAndDieAsync(Queues.NewUser.Name, TimeSpan.FromSeconds(3), CancellationToken.None) is not null)
        {
            deaths++;
            Assert.True(deaths <= QueueTopology.DeliveryLimit, $"delivered {deaths} times: the delivery limit does not hold");
        }
        await Wait.UntilAsync(async () => await Bus.CountAsync("new_user.dlq", CancellationToken.None) == 1, Timeout, "the dead letter");

        Output.WriteLine($"rabbitmq: dead-lettered after {deaths} deliveries that killed their consumer (limit {QueueTopology.DeliveryLimit})");
        Assert.Equal(QueueTopology.DeliveryLimit, deaths);
        Assert.Equal(0, await Bus.CountAsync(Queues.NewUser.Name, CancellationToken.None));
        var letter = Assert.Single(await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Output.WriteLine($"dead letter: attempts={letter.Attempts} reason={letter.Reason}");
        Assert.Equal(MessageJson.SerializeToString(poison), letter.Body);
        Assert.Contains($"Delivered {QueueTopology.DeliveryLimit} times without being settled", letter.Reason);
        Assert.Equal(QueueTopology.DeliveryLimit, letter.Attempts);

        // Replayed, it starts afresh (a new delivery count) and a healthy consumer handles it.
        var handled = new TaskCompletionSource<SubscriptionRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        await ConsumeAsync(Queues.NewUser, (m, _) => { handled.TrySetResult(m); return Task.CompletedTask; });
        Assert.Equal(1, await Fixture.DeadLetters.ReplayAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        Assert.Equal(poison, await handled.Task.WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_dead_letter_queue_keeps_the_newest_messages_up_to_its_maximum_length()
    {
        const int cap = 5;
        await using var fixture = await RabbitMqBusFixture.CreateAsync(deadLetterMaxLength: cap);
        var ids = Enumerable.Range(0, 12).Select(i => TestMessages.Outgoing(i)).ToList();
        var seen = 0;
        await using var consumer = await fixture.Bus.ConsumeAsync(Queues.Message, (_, _) =>
        {
            Interlocked.Increment(ref seen);
            throw new PoisonMessageException("never deliverable");
        }, new ConsumerOptions { SingleActiveConsumer = true }, CancellationToken.None);
        foreach (var message in ids) await fixture.Bus.PublishAsync(Queues.Message, message, CancellationToken.None);
        await Wait.UntilAsync(() => Volatile.Read(ref seen) == ids.Count, Timeout, "every message handled once");

        await Wait.UntilAsync(async () => await fixture.Bus.CountAsync("message.dlq", CancellationToken.None) == cap, Timeout, $"{cap} dead letters");
        var kept = (await fixture.DeadLetters.ListAsync(Queues.Message.Name, 100, CancellationToken.None))
            .Select(l => MessageJson.Deserialize<OutgoingMessage>(System.Text.Encoding.UTF8.GetBytes(l.Body)).Id).ToList();
        Output.WriteLine($"rabbitmq: {ids.Count} dead-lettered into a queue of at most {cap}: kept {string.Join(", ", kept)}");
        Assert.Equal(ids.TakeLast(cap).Select(m => m.Id), kept);
    }

    [Fact]
    public async Task Queues_upgrade_redeclares_queues_of_an_earlier_version_and_keeps_their_messages()
    {
        var fixture = (RabbitMqBusFixture)Fixture;
        var bus = (RabbitMqMessageBus)Bus;
        // As an earlier version left them: classic queues without arguments, with messages in them.
        await fixture.DeclareRawQueueAsync(Queues.NewUser.Name, CancellationToken.None);
        await fixture.DeclareRawQueueAsync(Queues.NewUser.Name + ".dlq", CancellationToken.None);
        var queued = Enumerable.Range(0, 3).Select(i => TestMessages.Subscription(i)).ToList();
        foreach (var m in queued) await fixture.PublishRawAsync(Queues.NewUser.Name, MessageJson.Serialize(m).ToArray(), CancellationToken.None);
        await fixture.PublishRawAsync(Queues.NewUser.Name + ".dlq", MessageJson.Serialize(TestMessages.Subscription(9)).ToArray(), CancellationToken.None);
        await Assert.ThrowsAsync<BusTopologyException>(() => bus.DeclareTopologyAsync(CancellationToken.None));

        var results = await bus.UpgradeQueuesAsync(CancellationToken.None);

        Output.WriteLine(string.Join("\n", results));
        Assert.Equal([fixture.Prefix + "new_user.dlq", fixture.Prefix + "new_user"], results.Where(r => r.Redeclared).Select(r => r.Queue));
        Assert.Equal(3, results.Single(r => r.Queue == fixture.Prefix + "new_user").Moved);
        Assert.Equal(1, results.Single(r => r.Queue == fixture.Prefix + "new_user.dlq").Moved);
        await bus.DeclareTopologyAsync(CancellationToken.None);
        Assert.Single(await Fixture.DeadLetters.ListAsync(Queues.NewUser.Name, 10, CancellationToken.None));
        var received = new ConcurrentQueue<SubscriptionRequest>();
        await ConsumeAsync(Queues.NewUser, (m, _) => { received.Enqueue(m); return Task.CompletedTask; });
        await Wait.UntilAsync(() => received.Count == 3, Timeout, "the 3 queued messages");
        Assert.Equal(queued, received);

        // Nothing left to do the second time; no queue left aside.
        Assert.DoesNotContain(await bus.UpgradeQueuesAsync(CancellationToken.None), r => r.Redeclared || r.Moved > 0);
        Assert.Equal(0, await bus.CountAsync("new_user.upgrade", CancellationToken.None));
    }

    [Fact]
    public void Endpoint_NeverShowsThePassword()
    {
        var bus = new RabbitMqMessageBus(new BusOptions { Provider = "rabbitmq", ConnectionString = "amqp://pb:s3cr3t@127.0.0.1:5673/prod" });
        Assert.Equal("127.0.0.1:5673/prod", bus.Endpoint);
        Assert.DoesNotContain("s3cr3t", bus.Endpoint);
    }
}

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
    public async Task QueueDeclaredElsewhereWithOtherArguments_FailsThePublish_InsteadOfRetryingForever()
    {
        var fixture = (RabbitMqBusFixture)Fixture;
        await fixture.DeclareRawQueueAsync(Queues.Message.Name, CancellationToken.None);

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            Bus.PublishAsync(Queues.Message, TestMessages.Outgoing(1), CancellationToken.None).WaitAsync(Timeout));

        Assert.Contains("PRECONDITION_FAILED", error.Message);
    }

    [Fact]
    public void Endpoint_NeverShowsThePassword()
    {
        var bus = new RabbitMqMessageBus(new BusOptions { Provider = "rabbitmq", ConnectionString = "amqp://pb:s3cr3t@127.0.0.1:5673/prod" });
        Assert.Equal("127.0.0.1:5673/prod", bus.Endpoint);
        Assert.DoesNotContain("s3cr3t", bus.Endpoint);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using PassportBot.Messaging.Tests.Support;
using PassportBot.Observability;

namespace PassportBot.Messaging.Tests;

/// <summary>A consumer's span continues the publisher's trace (W3C traceparent: a broker header on RabbitMQ, an
/// envelope field in process), also after a failed delivery is retried.</summary>
public abstract class TracePropagationTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private readonly List<IAsyncDisposable> _consumers = [];
    private IBusFixture? _fixture;

    protected TracePropagationTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PassportBotTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    protected abstract Task<IBusFixture> CreateFixtureAsync();

    public async Task InitializeAsync() => _fixture = await CreateFixtureAsync();

    public async Task DisposeAsync()
    {
        foreach (var consumer in _consumers) await consumer.DisposeAsync();
        if (_fixture is not null) await _fixture.DisposeAsync();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_consumer_span_continues_the_publishers_trace_even_after_a_retry()
    {
        var bus = _fixture!.Bus;
        var handled = new ConcurrentQueue<(ActivityTraceId Trace, ActivitySpanId Parent, string Name)>();
        var attempts = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _consumers.Add(await bus.ConsumeAsync(Queues.Message, (_, _) =>
        {
            var current = Activity.Current!;
            handled.Enqueue((current.TraceId, current.ParentSpanId, current.DisplayName));
            if (Interlocked.Increment(ref attempts) == 1) throw new InvalidOperationException("first delivery fails");
            done.TrySetResult();
            return Task.CompletedTask;
        }, new ConsumerOptions { RetryDelay = TimeSpan.FromMilliseconds(50) }, CancellationToken.None));

        using var poll = new Activity("poll").SetIdFormat(ActivityIdFormat.W3C).Start();
        await bus.PublishAsync(Queues.Message, TestMessages.Outgoing(1), CancellationToken.None);
        poll.Stop();
        await done.Task.WaitAsync(Timeout);

        var send = Assert.Single(_stopped, a => a.TraceId == poll.TraceId && a.DisplayName == "send message");
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(poll.SpanId, send.ParentSpanId);
        var deliveries = handled.ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(poll.TraceId, d.Trace));
        Assert.All(deliveries, d => Assert.Equal("process message", d.Name));
        // The first delivery is the send's child; the retry is republished from inside the failed one.
        Assert.Equal(send.SpanId, deliveries[0].Parent);
    }
}

public sealed class InMemoryTracePropagationTests : TracePropagationTests
{
    protected override Task<IBusFixture> CreateFixtureAsync() => Task.FromResult<IBusFixture>(new InMemoryBusFixture());
}

public sealed class RabbitMqTracePropagationTests : TracePropagationTests
{
    protected override async Task<IBusFixture> CreateFixtureAsync() => await RabbitMqBusFixture.CreateAsync();
}

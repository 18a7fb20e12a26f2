using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PassportBot.Messaging.RabbitMq;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PassportBot.Messaging.Tests.Support;

/// <summary>A RabbitMQ bus isolated by a unique queue prefix (or its own vhost); deletes what it declared.</summary>
public sealed class RabbitMqBusFixture : IBusFixture
{
    private readonly RabbitMqMessageBus _bus;
    private readonly string _connectionString;
    private readonly string _prefix;
    private readonly string? _vhost;
    private readonly List<string> _rawQueues = [];
    private IConnection? _raw;

    private RabbitMqBusFixture(string connectionString, string prefix, string? vhost, int deadLetterMaxLength = QueueTopology.DeadLetterMaxLength)
    {
        _connectionString = connectionString;
        _prefix = prefix;
        _vhost = vhost;
        _bus = new RabbitMqMessageBus(Options.Create(new BusOptions
        {
            Provider = "rabbitmq",
            ConnectionString = connectionString,
            QueuePrefix = prefix,
            DeadLetterMaxLength = deadLetterMaxLength,
        }), TimeProvider.System, NullLoggerFactory.Instance);
    }

    public IMessageBus Bus => _bus;

    public IDeadLetterQueue DeadLetters => _bus;

    public string? VirtualHost => _vhost;

    public string Prefix => _prefix;

    public static async Task<RabbitMqBusFixture> CreateAsync(int deadLetterMaxLength = QueueTopology.DeadLetterMaxLength)
    {
        var server = await RabbitMqServer.UriAsync();
        return new RabbitMqBusFixture(server.ToString(), $"t{Guid.NewGuid():N}"[..13] + "_", vhost: null, deadLetterMaxLength);
    }

    /// <summary>A fixture with a vhost of its own, for tests that close every connection of that vhost.</summary>
    public static async Task<RabbitMqBusFixture> CreateWithOwnVirtualHostAsync()
    {
        var server = await RabbitMqServer.UriAsync();
        var vhost = $"pbtest-{Guid.NewGuid():N}"[..19];
        await RabbitMqServer.CtlAsync("add_vhost", vhost);
        await RabbitMqServer.CtlAsync("set_permissions", "-p", vhost, server.UserInfo.Split(':')[0], ".*", ".*", ".*");
        return new RabbitMqBusFixture(RabbitMqServer.WithVirtualHost(server, vhost), "", vhost);
    }

    public async Task PublishRawAsync(string queue, byte[] body, CancellationToken cancellationToken)
    {
        await using var channel = await (await RawAsync()).CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken);
        await channel.BasicPublishAsync("", _prefix + queue, mandatory: true,
            new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" }, body, cancellationToken);
    }

    /// <summary>Declares a queue behind the bus's back (e.g. with other arguments); deleted with the fixture.</summary>
    public async Task DeclareRawQueueAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await (await RawAsync()).CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(_prefix + queue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken);
        _rawQueues.Add(_prefix + queue);
    }

    /// <summary>What a consumer process that dies while handling a message looks like to the broker: a connection
    /// that takes one delivery and goes away without settling it. Returns the delivery's headers, or null when
    /// nothing was delivered within <paramref name="wait"/>.</summary>
    public async Task<IDictionary<string, object?>?> ReceiveAndDieAsync(string queue, TimeSpan wait, CancellationToken cancellationToken)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(_connectionString), AutomaticRecoveryEnabled = false }
            .CreateConnectionAsync("passportbot-tests-crashing", cancellationToken);
        await using var _ = connection;
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, 1, false, cancellationToken);
        var delivered = new TaskCompletionSource<IDictionary<string, object?>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            delivered.TrySetResult(delivery.BasicProperties.Headers is { } h ? new Dictionary<string, object?>(h) : new Dictionary<string, object?>());
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(_prefix + queue, autoAck: false, consumer, cancellationToken);
        try
        {
            return await delivered.Task.WaitAsync(wait, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            // No ack, no reject: the socket goes away as a killed process's would.
            await connection.AbortAsync(cancellationToken);
        }
    }

    /// <summary>Declares a queue with exactly these arguments; throws (PRECONDITION_FAILED) if it exists with others.</summary>
    public async Task RedeclareAsync(string queue, IDictionary<string, object?> arguments, CancellationToken cancellationToken)
    {
        await using var channel = await (await RawAsync()).CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(_prefix + queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken);
    }

    /// <summary>One message taken with a consumer: quorum queues with a single active consumer refuse basic.get.</summary>
    public async Task<byte[]?> TakeRawAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await (await RawAsync()).CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicQosAsync(0, 1, false, cancellationToken);
        var taken = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (taken.TrySetResult(delivery.Body.ToArray()))
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        var tag = await channel.BasicConsumeAsync(_prefix + queue, autoAck: false, consumer, cancellationToken);
        try
        {
            return await taken.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            await channel.BasicCancelAsync(tag, cancellationToken: CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        var declared = _bus.DeclaredQueues;
        await _bus.DisposeAsync();
        if (_vhost is not null)
        {
            if (_raw is not null) await _raw.DisposeAsync();
            await RabbitMqServer.CtlAsync("delete_vhost", _vhost);
            return;
        }
        var raw = await RawAsync();
        await using (var channel = await raw.CreateChannelAsync())
        {
            foreach (var queue in declared.Concat(_rawQueues).Distinct()) await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
        await raw.DisposeAsync();
    }

    private async Task<IConnection> RawAsync() =>
        _raw ??= await new ConnectionFactory { Uri = new Uri(_connectionString) }.CreateConnectionAsync("passportbot-tests-raw");
}

using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PassportBot.Messaging.RabbitMq;
using RabbitMQ.Client;

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

    private RabbitMqBusFixture(string connectionString, string prefix, string? vhost)
    {
        _connectionString = connectionString;
        _prefix = prefix;
        _vhost = vhost;
        _bus = new RabbitMqMessageBus(Options.Create(new BusOptions
        {
            Provider = "rabbitmq",
            ConnectionString = connectionString,
            QueuePrefix = prefix,
        }), TimeProvider.System, NullLoggerFactory.Instance);
    }

    public IMessageBus Bus => _bus;

    public IDeadLetterQueue DeadLetters => _bus;

    public string? VirtualHost => _vhost;

    public static async Task<RabbitMqBusFixture> CreateAsync()
    {
        var server = await RabbitMqServer.UriAsync();
        return new RabbitMqBusFixture(server.ToString(), $"t{Guid.NewGuid():N}"[..13] + "_", vhost: null);
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

    public async Task<byte[]?> TakeRawAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await (await RawAsync()).CreateChannelAsync(cancellationToken: cancellationToken);
        var result = await channel.BasicGetAsync(_prefix + queue, autoAck: true, cancellationToken);
        return result?.Body.ToArray();
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

using Microsoft.Extensions.Logging;
using PassportBot.Resilience;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>
/// The one broker connection of a process, with automatic connection and topology recovery. Connects lazily and
/// keeps trying while the broker is down, so a role can start before the broker does.
/// </summary>
internal sealed partial class RabbitMqConnection : IAsyncDisposable
{
    private static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly ExponentialBackoff ConnectRetry = new(RecoveryInterval, RecoveryInterval);

    private readonly ConnectionFactory _factory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private IConnection? _connection;
    private int _recoveries;

    public RabbitMqConnection(string connectionString, string clientName, ILogger<RabbitMqConnection> logger)
    {
        var uri = new Uri(connectionString);
        _factory = new ConnectionFactory
        {
            Uri = uri,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = RecoveryInterval,
            RequestedHeartbeat = TimeSpan.FromSeconds(30),
            ClientProvidedName = clientName,
        };
        _logger = logger;
        // Host, port and vhost only: the URI's user info holds the password.
        Endpoint = $"{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}/{_factory.VirtualHost.TrimStart('/')}";
    }

    /// <summary>Where the bus connects, without credentials (safe to log).</summary>
    public string Endpoint { get; }

    public bool IsOpen => _connection?.IsOpen == true;

    /// <summary>How many times the connection was recovered after a loss.</summary>
    public int Recoveries => Volatile.Read(ref _recoveries);

    public async Task<IConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing) return existing;
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            if (_connection is null)
            {
                // Automatic recovery only covers connections that were once open; the first one is ours to retry,
                // at the pace of the client's own recovery.
                var connection = await ConnectRetry.Pipeline(TimeProvider.System, TransientFaults.IsTransient, (ex, _, _) => LogConnectFailed(Endpoint, ex.GetType().Name))
                    .ExecuteAsync(async ct => await _factory.CreateConnectionAsync(ct).ConfigureAwait(false), linked.Token).ConfigureAwait(false);
                connection.ConnectionShutdownAsync += OnShutdownAsync;
                connection.RecoverySucceededAsync += OnRecoveredAsync;
                _connection = connection;
                LogConnected(Endpoint);
            }
            return _connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Completes once the connection is open (again); bounded by <paramref name="cancellationToken"/>.</summary>
    public async Task WaitUntilOpenAsync(CancellationToken cancellationToken)
    {
        var connection = await GetAsync(cancellationToken).ConfigureAwait(false);
        // Ends with the bus too, so nothing waits forever on a connection that is being disposed.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        // Polling, not the recovery event: the event is not raised when recovery itself keeps failing and retrying.
        while (!connection.IsOpen)
            await Task.Delay(ReadyPollInterval, linked.Token).ConfigureAwait(false);
    }

    public async Task<IChannel> CreateChannelAsync(CreateChannelOptions? options, CancellationToken cancellationToken)
    {
        var connection = await GetAsync(cancellationToken).ConfigureAwait(false);
        return await connection.CreateChannelAsync(options, cancellationToken).ConfigureAwait(false);
    }

    private Task OnShutdownAsync(object sender, ShutdownEventArgs args)
    {
        if (args.Initiator != ShutdownInitiator.Application) LogConnectionLost(Endpoint, args.ReplyCode, args.ReplyText);
        return Task.CompletedTask;
    }

    private Task OnRecoveredAsync(object sender, AsyncEventArgs args)
    {
        Interlocked.Increment(ref _recoveries);
        LogRecovered(Endpoint);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested) return;
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_connection is { } connection)
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex))
            {
            }
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ connected to {Endpoint}")]
    private partial void LogConnected(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ at {Endpoint} unreachable ({Error}); retrying")]
    private partial void LogConnectFailed(string endpoint, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ connection to {Endpoint} lost ({Code} {Text}); recovering")]
    private partial void LogConnectionLost(string endpoint, ushort code, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "RabbitMQ connection to {Endpoint} recovered")]
    private partial void LogRecovered(string endpoint);
}

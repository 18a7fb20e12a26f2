using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>
/// Publishes with publisher confirms and returns only when the broker has confirmed every message. Publishes are
/// pipelined on one channel; messages not confirmed because the connection dropped are published again once it
/// recovers (at least once, never silently dropped), until the caller's token gives up.
/// </summary>
internal sealed partial class ConfirmedPublisher(
    RabbitMqConnection connection,
    PublisherChannelPool channels,
    TopologyDeclarer declarer,
    ILogger<ConfirmedPublisher> logger)
{
    // Enough unconfirmed messages in flight to hide the round trip, few enough to bound memory per batch.
    private const int MaxUnconfirmed = 1024;

    public async Task PublishAsync(IReadOnlyList<QueueSpec> topology, IReadOnlyList<AmqpMessage> messages, CancellationToken cancellationToken)
    {
        IReadOnlyList<AmqpMessage> pending = messages;
        var retrying = false;
        // Every fault that reaches the pipeline is transient: the rest are thrown at once, before it.
        await TransientFaults.QuietRetry.ExecuteAsync(async ct =>
        {
            if (retrying) await connection.WaitUntilOpenAsync(ct).ConfigureAwait(false);
            retrying = true;
            IChannel? channel = null;
            Exception? fault;
            try
            {
                await declarer.EnsureAsync(topology, ct).ConfigureAwait(false);
                channel = await channels.RentAsync(ct).ConfigureAwait(false);
                (pending, fault) = await PublishOnAsync(channel, pending, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex) && !ct.IsCancellationRequested)
            {
                fault = ex;
            }
            catch
            {
                // Cancelled or a bug: the channel may hold unconfirmed publishes, so it is not lent again.
                if (channel is not null) await channels.DiscardAsync(channel).ConfigureAwait(false);
                throw;
            }

            if (fault is null)
            {
                channels.Return(channel!);
                return;
            }

            if (fault is PublishReturnException) declarer.Invalidate();
            LogRetrying(pending.Count, fault.GetType().Name, connection.Endpoint);
            if (channel is not null) await channels.DiscardAsync(channel).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            ExceptionDispatchInfo.Throw(fault);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Pipelines the batch; returns the messages that were not confirmed and the first transient fault.</summary>
    private static async Task<(IReadOnlyList<AmqpMessage> Unconfirmed, Exception? Fault)> PublishOnAsync(
        IChannel channel, IReadOnlyList<AmqpMessage> messages, CancellationToken cancellationToken)
    {
        var unconfirmed = new List<AmqpMessage>();
        Exception? fault = null;
        var inFlight = new Queue<(AmqpMessage Message, Task Confirmed)>(Math.Min(messages.Count, MaxUnconfirmed));

        foreach (var message in messages)
        {
            if (fault is not null)
            {
                unconfirmed.Add(message);
                continue;
            }
            if (inFlight.Count == MaxUnconfirmed) await AwaitOldestAsync().ConfigureAwait(false);

            Task confirmed;
            try
            {
                confirmed = channel.BasicPublishAsync(exchange: "", routingKey: message.Queue, mandatory: true,
                    basicProperties: message.Properties, body: message.Body, cancellationToken: cancellationToken).AsTask();
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                confirmed = Task.FromException(ex);
            }
            inFlight.Enqueue((message, confirmed));
        }
        while (inFlight.Count > 0) await AwaitOldestAsync().ConfigureAwait(false);
        return (unconfirmed, fault);

        async Task AwaitOldestAsync()
        {
            var (message, confirmed) = inFlight.Dequeue();
            try
            {
                await confirmed.ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                fault ??= ex;
                unconfirmed.Add(message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ publish of {Count} message(s) not confirmed ({Error}) at {Endpoint}; publishing again after recovery")]
    private partial void LogRetrying(int count, string error, string endpoint);
}

using System.Collections.Concurrent;
using RabbitMQ.Client;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>
/// Channels with publisher confirms, each lent to one publisher at a time: a batch owns its channel while it
/// pipelines, so sequence numbers and confirms of different publishers never interleave on one channel.
/// </summary>
internal sealed class PublisherChannelPool(RabbitMqConnection connection, int maxChannels) : IAsyncDisposable
{
    private static readonly CreateChannelOptions ConfirmOptions = new(
        publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true);

    private readonly ConcurrentBag<IChannel> _idle = [];
    private readonly SemaphoreSlim _slots = new(maxChannels, maxChannels);

    public async Task<IChannel> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (_idle.TryTake(out var idle))
            {
                if (idle.IsOpen) return idle;
                await idle.DisposeAsync().ConfigureAwait(false);
            }
            return await connection.CreateChannelAsync(ConfirmOptions, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(IChannel channel)
    {
        _idle.Add(channel);
        _slots.Release();
    }

    /// <summary>For a channel whose state is unknown after a fault: never lent again.</summary>
    public async Task DiscardAsync(IChannel channel)
    {
        try
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFaults.IsTransient(ex))
        {
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryTake(out var channel))
        {
            try
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (TransientFaults.IsTransient(ex))
            {
            }
        }
    }
}

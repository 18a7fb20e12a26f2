using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace PassportBot.Messaging.RabbitMq;

/// <summary>What <c>passportbot queues upgrade</c> did to one queue.</summary>
public sealed record QueueUpgradeResult(string Queue, bool Redeclared, int Moved);

/// <summary>
/// Brings queues declared by an earlier version (or with another <c>Bus:DeadLetterMaxLength</c>) to the arguments
/// this version declares. RabbitMQ cannot change a durable queue's arguments, so a queue that differs is emptied
/// into <c>&lt;name&gt;.upgrade</c>, deleted, declared anew, and refilled from there. Every move is confirmed
/// before the source is acknowledged, and each step can be repeated: running it again after an interruption
/// finishes the job (at worst a message is moved twice, never lost). Meant to run while every role is stopped.
/// </summary>
internal sealed class QueueUpgrade(RabbitMqConnection connection, RabbitMqTopology topology, TopologyDeclarer declarer, QueueMover mover)
{
    public const string AsideSuffix = ".upgrade";
    private const ushort NotFound = 404;

    public async Task<IReadOnlyList<QueueUpgradeResult>> RunAsync(CancellationToken cancellationToken)
    {
        var results = new List<QueueUpgradeResult>();
        foreach (var queue in Queues.AllNames)
        foreach (var spec in topology.QueueWithDeadLetters(queue))
            results.Add(await UpgradeAsync(spec, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<QueueUpgradeResult> UpgradeAsync(QueueSpec spec, CancellationToken cancellationToken)
    {
        var aside = new QueueSpec(spec.Name + AsideSuffix, new Dictionary<string, object?>());
        var redeclared = false;
        try
        {
            await declarer.EnsureAsync([spec], cancellationToken).ConfigureAwait(false);
        }
        catch (BusTopologyException)
        {
            await mover.MoveAsync(spec.Name, aside, Unchanged, int.MaxValue, cancellationToken).ConfigureAwait(false);
            // ifEmpty: a role still running and publishing makes this fail instead of losing what it published.
            await DeleteAsync(spec.Name, cancellationToken).ConfigureAwait(false);
            declarer.Forget(spec.Name);
            await declarer.EnsureAsync([spec], cancellationToken).ConfigureAwait(false);
            redeclared = true;
        }

        var moved = 0;
        if (await ExistsAsync(aside.Name, cancellationToken).ConfigureAwait(false))
        {
            moved = await mover.MoveAsync(aside.Name, spec, Unchanged, int.MaxValue, cancellationToken).ConfigureAwait(false);
            await DeleteAsync(aside.Name, cancellationToken).ConfigureAwait(false);
        }
        return new QueueUpgradeResult(spec.Name, redeclared, moved);
    }

    private static BasicProperties Unchanged(IReadOnlyBasicProperties properties) => new(properties);

    private async Task<bool> ExistsAsync(string queue, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == NotFound)
        {
            return false;
        }
        finally
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(null, cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: true, noWait: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException ex)
        {
            throw new BusTopologyException(
                $"RabbitMQ queue '{queue}' could not be deleted for the upgrade ({ex.ShutdownReason?.ReplyText}): stop every role (nothing may publish to it) and run the upgrade again.", ex);
        }
        await channel.CloseAsync(cancellationToken).ConfigureAwait(false);
    }
}

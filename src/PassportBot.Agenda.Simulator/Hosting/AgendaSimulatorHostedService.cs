using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PassportBot.Agenda.Simulator.Hosting;

/// <summary>Runs the simulator with the host and lets its world evolve with real time at <see cref="SimulatorOptions.Speed"/>.</summary>
public sealed class AgendaSimulatorHostedService(
    AgendaSimulator simulator,
    IOptions<SimulatorOptions> options,
    TimeProvider time,
    ILogger<AgendaSimulatorHostedService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var url = await simulator.StartAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Agenda simulator listening on {BaseUrl} ({Offices} offices, {Slots} open slots).",
            url, simulator.World.Offices.Count, simulator.World.Slots().Count);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TickInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var report = simulator.World.Evolve(options.Value.Speed);
                if (report.Published.Count + report.Cancelled.Count + report.Booked.Count > 0)
                    logger.LogDebug("Agenda simulator: {Published} published, {Cancelled} cancellations, {Booked} bookings.",
                        report.Published.Count, report.Cancelled.Count, report.Booked.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await simulator.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}

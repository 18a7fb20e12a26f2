using System.Net;
using Microsoft.Extensions.Options;
using PassportBot.Agenda.Simulator.Server;

namespace PassportBot.Agenda.Simulator.Hosting;

/// <summary><c>Simulator:*</c> configuration of the demo's built-in agenda site.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";
    public const int MaxPort = 65_535;
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultSeed = 20231219;
    public const double DefaultSpeed = 60;
    public static readonly TimeSpan DefaultTickInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MinTickInterval = TimeSpan.FromMilliseconds(50);
    public const int DefaultPopulateDays = 30;

    /// <summary>0: any free port.</summary>
    public int Port { get; set; }
    public string Host { get; set; } = DefaultHost;
    public int Seed { get; set; } = DefaultSeed;
    /// <summary>How many times faster than real time cancellations and bookings happen.</summary>
    public double Speed { get; set; } = DefaultSpeed;
    /// <summary>Real time between two evolution steps.</summary>
    public TimeSpan TickInterval { get; set; } = DefaultTickInterval;
    /// <summary>Provinces given some open slots at start, so the demo shows activity at once.</summary>
    public List<string> PopulateProvinces { get; set; } = ["RM", "MI", "NA", "TO", "FI", "BO", "PA", "BA"];
    public int PopulateDays { get; set; } = DefaultPopulateDays;
    public PlacesSemantics PlacesSemantics { get; set; } = PlacesSemantics.TotalIsFree;
    /// <summary>Offices take bookings at any hour instead of from their opening time, so a demo started at night
    /// shows slots being announced at once (the demos turn it on; real offices have opening hours).</summary>
    public bool BookableAnyHour { get; set; }
    /// <summary>Every JSON call gets this answer (measuring how a client survives a hostile site); None by default.</summary>
    public HostileAnswer HostileAnswer { get; set; } = HostileAnswer.None;
}

public sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions o)
    {
        var errors = new List<string>();
        if (o.Port is < 0 or > SimulatorOptions.MaxPort) errors.Add($"Simulator:Port must be between 0 and {SimulatorOptions.MaxPort} (got {o.Port}).");
        if (!IPAddress.TryParse(o.Host, out _)) errors.Add($"Simulator:Host must be an IP address (got '{o.Host}').");
        if (!(o.Speed > 0)) errors.Add($"Simulator:Speed must be positive (got {o.Speed}).");
        if (o.TickInterval < SimulatorOptions.MinTickInterval) errors.Add($"Simulator:TickInterval must be at least 50 ms (got {o.TickInterval}).");
        if (!Enum.IsDefined(o.HostileAnswer)) errors.Add($"Simulator:HostileAnswer must be one of {string.Join(", ", Enum.GetNames<HostileAnswer>())} (got {o.HostileAnswer}).");
        if (o.PopulateDays < 1) errors.Add($"Simulator:PopulateDays must be at least 1 (got {o.PopulateDays}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

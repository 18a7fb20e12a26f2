using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PassportBot.Observability;

/// <summary>The one <see cref="ActivitySource"/> and <see cref="Meter"/> every PassportBot component reports
/// through. Static, so a call site needs no extra constructor parameter; with nothing listening (no
/// OpenTelemetry provider, no test listener) starting an activity returns null and recording costs nothing.</summary>
public static class PassportBotTelemetry
{
    /// <summary>Name of the activity source and of the meter (what OpenTelemetry subscribes to).</summary>
    public const string Name = "PassportBot";

    public static ActivitySource Source { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);
}

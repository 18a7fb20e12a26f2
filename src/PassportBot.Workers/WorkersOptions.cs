namespace PassportBot.Workers;

/// <summary><c>Workers:*</c> configuration.</summary>
public sealed class WorkersOptions
{
    public const string Section = "Workers";

    public const int MaxMissesToClose = 10;
    public const int MaxPollConcurrency = 64;
    public const int MaxAvailabilityConcurrency = 64;
    public const int MaxRelayBatchSize = 10_000;
    public const int MaxRelayConcurrency = 16;
    public const int MaxFanOutChunkSize = 10_000;
    public const int MaxFanOutConcurrency = 16;

    /// <summary>A slot back after being gone longer than this is a cancellation and is announced again.</summary>
    public TimeSpan GraceWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Consecutive complete polls that must miss a slot before it is closed.</summary>
    public int MissesToClose { get; set; } = 2;

    /// <summary>How often a poller looks for provinces whose poll is due (a fraction of the poll interval).</summary>
    public TimeSpan PollerTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Upper bound of the random pause before each province's poll (spreads load on the site).</summary>
    public TimeSpan PollJitter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Provinces polled at once by one poller.</summary>
    public int PollConcurrency { get; set; } = 4;

    /// <summary>Availability updates applied at once (different provinces run in parallel; one province is serialised by the store).</summary>
    public int AvailabilityConcurrency { get; set; } = 4;

    public int RelayBatchSize { get; set; } = 1000;

    /// <summary>Relay loops per process.</summary>
    public int RelayConcurrency { get; set; } = 2;

    /// <summary>How often the outbox relay looks for work written by other processes.</summary>
    public TimeSpan RelayPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a relay owns the entries it claimed before another may take them.</summary>
    public TimeSpan RelayLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Subscribers expanded per fan-out chunk (one transaction, then the relay is woken).</summary>
    public int FanOutChunkSize { get; set; } = 250;

    /// <summary>Fan-out jobs expanded at once per process (jobs of different polls run in parallel).</summary>
    public int FanOutConcurrency { get; set; } = 2;

    /// <summary>How long an expander owns a fan-out job without writing a chunk before another may continue it
    /// (after a crash, the job resumes within this time).</summary>
    public TimeSpan FanOutLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the expander looks for jobs of other processes (a crashed replica's, once its lease expired).</summary>
    public TimeSpan FanOutPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}


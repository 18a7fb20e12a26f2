namespace PassportBot.Workers;

/// <summary><c>Workers:*</c> configuration.</summary>
public sealed class WorkersOptions
{
    public const string Section = "Workers";

    public static readonly TimeSpan DefaultGraceWindow = TimeSpan.FromMinutes(10);
    public const int DefaultMissesToClose = 2;
    public const int MaxMissesToClose = 10;
    public static readonly TimeSpan DefaultPollerTick = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultPollJitter = TimeSpan.FromSeconds(2);
    public const int DefaultPollConcurrency = 4;
    public const int DefaultAvailabilityConcurrency = 4;
    public const int DefaultRelayBatchSize = 1000;
    public const int DefaultRelayConcurrency = 2;
    public static readonly TimeSpan DefaultRelayPollInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan DefaultRelayLease = TimeSpan.FromSeconds(30);
    public const int DefaultFanOutChunkSize = 250;
    public const int DefaultFanOutConcurrency = 2;
    public static readonly TimeSpan DefaultFanOutLease = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultFanOutPollInterval = TimeSpan.FromSeconds(1);

    public const int MaxPollConcurrency = 64;
    public const int MaxAvailabilityConcurrency = 64;
    public const int MaxRelayBatchSize = 10_000;
    public const int MaxRelayConcurrency = 16;
    public const int MaxFanOutChunkSize = 10_000;
    public const int MaxFanOutConcurrency = 16;

    /// <summary>A slot back after being gone longer than this is a cancellation and is announced again.</summary>
    public TimeSpan GraceWindow { get; set; } = DefaultGraceWindow;

    /// <summary>Consecutive complete polls that must miss a slot before it is closed.</summary>
    public int MissesToClose { get; set; } = DefaultMissesToClose;

    /// <summary>How often a poller looks for provinces whose poll is due (a fraction of the poll interval).</summary>
    public TimeSpan PollerTick { get; set; } = DefaultPollerTick;

    /// <summary>Upper bound of the random pause before each province's poll (spreads load on the site).</summary>
    public TimeSpan PollJitter { get; set; } = DefaultPollJitter;

    /// <summary>Provinces polled at once by one poller.</summary>
    public int PollConcurrency { get; set; } = DefaultPollConcurrency;

    /// <summary>Availability updates applied at once (different provinces run in parallel; one province is serialised by the store).</summary>
    public int AvailabilityConcurrency { get; set; } = DefaultAvailabilityConcurrency;

    public int RelayBatchSize { get; set; } = DefaultRelayBatchSize;

    /// <summary>Relay loops per process.</summary>
    public int RelayConcurrency { get; set; } = DefaultRelayConcurrency;

    /// <summary>How often the outbox relay looks for work written by other processes.</summary>
    public TimeSpan RelayPollInterval { get; set; } = DefaultRelayPollInterval;

    /// <summary>How long a relay owns the entries it claimed before another may take them.</summary>
    public TimeSpan RelayLease { get; set; } = DefaultRelayLease;

    /// <summary>Subscribers expanded per fan-out chunk (one transaction, then the relay is woken).</summary>
    public int FanOutChunkSize { get; set; } = DefaultFanOutChunkSize;

    /// <summary>Fan-out jobs expanded at once per process (jobs of different polls run in parallel).</summary>
    public int FanOutConcurrency { get; set; } = DefaultFanOutConcurrency;

    /// <summary>How long an expander owns a fan-out job without writing a chunk before another may continue it
    /// (after a crash, the job resumes within this time).</summary>
    public TimeSpan FanOutLease { get; set; } = DefaultFanOutLease;

    /// <summary>How often the expander looks for jobs of other processes (a crashed replica's, once its lease expired).</summary>
    public TimeSpan FanOutPollInterval { get; set; } = DefaultFanOutPollInterval;
}


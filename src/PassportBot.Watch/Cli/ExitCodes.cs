namespace PassportBot.Watch.Cli;

/// <summary>Exit codes of <c>watch</c>, <c>offices</c> and <c>town</c>.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The site could not be reached or answered nonsense; or nothing matched.</summary>
    public const int Failure = 1;
    /// <summary>Invalid options or configuration (unknown province, bad interval…).</summary>
    public const int Usage = 2;
    /// <summary>No credentials, or the site says the session has expired.</summary>
    public const int Session = 3;
    /// <summary>Stopped by Ctrl+C or SIGTERM before the answer came (the shell's convention).</summary>
    public const int Interrupted = 130;
}

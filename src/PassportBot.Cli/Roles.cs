namespace PassportBot.Cli;

/// <summary>The parts of the system one process can host; <c>run</c> hosts them all.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Poller = 1,
    Bot = 2,
    UserHandler = 4,
    AvailabilityHandler = 8,
    Dispatcher = 16,
    Web = 32,
    All = Poller | Bot | UserHandler | AvailabilityHandler | Dispatcher | Web,
}

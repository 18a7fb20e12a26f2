namespace PassportBot.Cli;

/// <summary>Default <c>Web:Urls</c> per role command, so that roles started side by side on one machine (as in the
/// scale-out quick start) do not fight over one port. <c>run</c>, <c>demo</c> and <c>web</c> keep 8080.</summary>
public static class RolePorts
{
    public const int Web = 8080;
    public const int Poller = 8081;
    public const int Bot = 8082;
    public const int UserHandler = 8083;
    public const int AvailabilityHandler = 8084;
    public const int Dispatcher = 8085;

    public static int For(Roles roles) => roles switch
    {
        Roles.Poller => Poller,
        Roles.Bot => Bot,
        Roles.UserHandler => UserHandler,
        Roles.AvailabilityHandler => AvailabilityHandler,
        Roles.Dispatcher => Dispatcher,
        _ => Web,
    };

    /// <summary>The lowest-precedence configuration of a role command.</summary>
    public static Dictionary<string, string?> Defaults(Roles roles) => new()
    {
        ["Web:Urls"] = $"http://127.0.0.1:{For(roles)}",
    };
}

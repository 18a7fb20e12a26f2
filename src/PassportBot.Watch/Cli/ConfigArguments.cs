namespace PassportBot.Watch.Cli;

/// <summary>Like every other command, <c>watch</c> takes any configuration key on the command line
/// (<c>--Agenda:BaseUrl=http://…</c> or <c>--Agenda:BaseUrl http://…</c>); anything else left over is a mistake.</summary>
public static class ConfigArguments
{
    public static bool TrySplit(IReadOnlyList<string> unmatched, out IReadOnlyList<string> configArgs, out string? error)
    {
        var args = new List<string>();
        configArgs = args;
        error = null;
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            var isKey = token.StartsWith("--", StringComparison.Ordinal) && token.Contains(':');
            if (!isKey)
            {
                error = $"Unrecognized argument '{token}'. See --help; configuration keys go as --Section:Key=value.";
                return false;
            }
            args.Add(token);
            if (!token.Contains('=') && i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith("--", StringComparison.Ordinal))
                args.Add(unmatched[++i]);
        }
        return true;
    }
}

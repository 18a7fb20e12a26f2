namespace PassportBot.Cli;

/// <summary>The configuration cannot be used as given: each failure is one line for the operator, naming the file,
/// key or option at fault. Reported with exit code 2, never with a stack trace.</summary>
public sealed class StartupConfigurationException(IReadOnlyList<string> failures)
    : Exception(string.Join(Environment.NewLine, failures))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

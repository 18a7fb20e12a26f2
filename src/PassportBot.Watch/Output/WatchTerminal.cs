namespace PassportBot.Watch.Output;

/// <summary>Where the watch writes: standard output (events or the live view) and standard error (help for
/// humans), and whether each is a terminal. Tests pass writers of their own.</summary>
public sealed class WatchTerminal(TextWriter output, TextWriter error, bool outputIsTerminal, bool errorIsTerminal)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    public bool OutputIsTerminal { get; } = outputIsTerminal;

    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    public static WatchTerminal Console() => new(
        System.Console.Out, System.Console.Error, !System.Console.IsOutputRedirected, !System.Console.IsErrorRedirected);

    /// <summary>The plain interface when asked for, or when standard output is not a terminal (piped, logged).</summary>
    public bool UsePlain(bool plainRequested) => plainRequested || !OutputIsTerminal;
}

using Microsoft.Extensions.Options;

namespace PassportBot.Cli;

/// <summary><c>Startup:*</c> configuration: how a process prepares for its first piece of work.</summary>
public sealed class StartupOptions
{
    public const string Section = "Startup";

    /// <summary>Where each role keeps the list of methods its last run compiled (see <see cref="JitProfile"/>),
    /// relative to the working folder unless rooted. Empty switches it off.</summary>
    public string JitProfileDirectory { get; set; } = "data/jit";
}

internal sealed class StartupOptionsValidator : IValidateOptions<StartupOptions>
{
    public ValidateOptionsResult Validate(string? name, StartupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.JitProfileDirectory ?? "";
        // Control characters are a pasting mistake, never a folder anyone meant.
        return directory.Any(char.IsControl) || directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || directory.Length > 1024
            ? ValidateOptionsResult.Fail("Startup:JitProfileDirectory is not a usable folder path (use an empty value to switch the JIT profile off).")
            : ValidateOptionsResult.Success;
    }
}

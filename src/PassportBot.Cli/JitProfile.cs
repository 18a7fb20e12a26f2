using System.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PassportBot.Cli;

/// <summary>The runtime's multicore JIT (<see cref="ProfileOptimization"/>) for one role: the process records which
/// methods it compiles and writes that list when it stops; the next start of the same role compiles them on a spare
/// core ahead of their first call. Without it the first fan-out after a start compiles several hundred methods on
/// its way to the first message (the handler's writes, the expander's reads, the relay, the dispatcher's send path),
/// which more than doubles its time to the first message.</summary>
/// <remarks>Replicas of a role that share the folder each take their own slot (<c>dispatcher-0</c>, <c>dispatcher-1</c>,
/// …), held by a lock file for the life of the process, so two processes never write one profile. A profile of an
/// older build is ignored by the runtime. Nothing in a profile is personal or secret: it names methods only.</remarks>
public static partial class JitProfile
{
    /// <summary>Replicas of one role sharing a folder, at most.</summary>
    public const int MaxSlots = 16;

    // Held open until the process exits: the slot, and so its profile, stays this process's.
    private static FileStream? _slotLock;

    /// <summary>What <see cref="Start(string?, string)"/> did: the profile file, and whether an earlier run left one.</summary>
    public sealed record Outcome(string? ProfilePath, bool Replaying, string? Problem);

    /// <summary>Starts the profile named after <paramref name="role"/> in <paramref name="directory"/> (created when
    /// missing); a no-op when the directory is empty. Never throws for an unusable folder: it only costs the warm start.</summary>
    public static Outcome Start(string? directory, string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        if (string.IsNullOrWhiteSpace(directory)) return new Outcome(null, false, null);
        if (_slotLock is not null) return new Outcome(null, false, "a JIT profile is already running in this process");
        try
        {
            var root = Path.GetFullPath(directory);
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(root);
            else Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            for (var slot = 0; slot < MaxSlots; slot++)
            {
                var name = $"{role}-{slot}";
                FileStream held;
                try
                {
                    // FileShare.None is an exclusive lock on the file, also between processes.
                    held = new FileStream(Path.Combine(root, name + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue; // a running replica holds this slot
                }
                _slotLock = held;
                var profile = Path.Combine(root, name + ".jitprofile");
                var replaying = File.Exists(profile) && new FileInfo(profile).Length > 0;
                ProfileOptimization.SetProfileRoot(root);
                ProfileOptimization.StartProfile(name + ".jitprofile");
                return new Outcome(profile, replaying, null);
            }
            return new Outcome(null, false, $"all {MaxSlots} slots for {role} are held by running processes");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return new Outcome(null, false, e.Message);
        }
    }

    /// <summary>Starts the profile from <see cref="StartupOptions"/> and logs what it did.</summary>
    public static Outcome Start(IServiceProvider services, string role)
    {
        ArgumentNullException.ThrowIfNull(services);
        var outcome = Start(services.GetRequiredService<IOptions<StartupOptions>>().Value.JitProfileDirectory, role);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(JitProfile));
        if (outcome.Problem is not null) LogUnavailable(logger, outcome.Problem);
        else if (outcome.ProfilePath is not null) LogStarted(logger, outcome.ProfilePath, outcome.Replaying ? "compiling what the last run used ahead of use" : "none yet, recording it for the next start");
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JIT profile {Path}: {State}")]
    private static partial void LogStarted(ILogger logger, string path, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "JIT profile not used ({Problem}); the first work after this start compiles as it goes")]
    private static partial void LogUnavailable(ILogger logger, string problem);
}

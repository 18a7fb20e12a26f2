using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Watch.Hosting;
using PassportBot.Watch.Output;
using PassportBot.Watch.State;

namespace PassportBot.Watch.Cli;

/// <summary>Configures a command's configuration from the usual sources (appsettings.json, PASSPORTBOT_* variables)
/// plus the configuration keys given on its command line.</summary>
public delegate void ConfigureCommandConfiguration(IConfigurationManager configuration, IReadOnlyList<string> configArgs);

/// <summary><c>passportbot watch</c>, <c>offices</c> and <c>town</c>: standalone use by one person, no servers.</summary>
public static class WatchCommands
{
    public const string DemoProvince = "TO";

    /// <summary>The commands, for the root command. <paramref name="configure"/> is the CLI's shared configuration
    /// set-up, so these read the same configuration as every other command; their own options win over it.</summary>
    public static IReadOnlyList<Command> Create(ConfigureCommandConfiguration configure) =>
        [CreateWatch(configure, WatchTerminal.Console), OfficesCommand.Create(configure), TownCommand.Create(configure)];

    /// <summary>The watch command alone; tests pass their own terminal.</summary>
    public static Command CreateWatch(ConfigureCommandConfiguration configure, Func<WatchTerminal> terminalFactory)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var o = new WatchCommandOptions();
        var command = new Command("watch",
            "Watch provinces for free passport appointments, for yourself: a live view on the terminal (one plain line per " +
            "event with --plain or when piped), an optional Telegram message, and a state file so nothing is announced twice.")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var option in o.All) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (result.GetResult(o.TelegramToken) is not null && result.GetResult(o.ChatId) is null)
                result.AddError("--telegram-token needs --chat-id (the chat to send to).");
            if (result.GetResult(o.TelegramTokenFile) is not null && result.GetResult(o.ChatId) is null)
                result.AddError("--telegram-token-file needs --chat-id (the chat to send to).");
        });
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var terminal = terminalFactory();
            if (!ConfigArguments.TrySplit(parse.UnmatchedTokens, out var configArgs, out var argError))
            {
                await terminal.Error.WriteLineAsync(argError).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var demo = parse.GetValue(o.Demo);
            var overrides = o.ToConfiguration(parse, demo);
            var builder = WatchHost.CreateWatchBuilder(
                c => { configure(c, configArgs); c.AddInMemoryCollection(overrides); }, terminal, demo, parse.GetValue(o.Verbose));
            return await RunWatchAsync(builder, terminal, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunWatchAsync(HostApplicationBuilder builder, WatchTerminal terminal, CancellationToken ct)
    {
        using var host = builder.Build();
        // The host's console lifetime takes SIGTERM (and Ctrl+C) for itself and only stops the application: follow it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        ct = stopping.Token;
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            var watcher = host.Services.GetRequiredService<Watcher>();
            var watch = host.Services.GetRequiredService<IOptions<WatchOptions>>().Value;
            await terminal.Error.WriteLineAsync(
                $"Watching {watch.Describe()}, every {watch.Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s. State: {watcher.StateFile}. Ctrl+C to stop.").ConfigureAwait(false);
            await watcher.RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures) await terminal.Error.WriteLineAsync(failure).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (WatchStateInUseException ex)
        {
            await terminal.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return ExitCodes.Ok;
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try { await host.StopAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Parses "yyyy-MM-dd".</summary>
    internal static DateOnly? ParseDate(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        result.AddError($"'{text}' is not a date: use yyyy-MM-dd, e.g. 2027-03-31.");
        return null;
    }

    internal static TimeSpan? ParseInterval(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DurationParser.TryParse(text, out var interval) && interval >= TimeSpan.FromSeconds(1)) return interval;
        result.AddError($"'{text}' is not a valid interval: use e.g. 45s, 2m or 00:00:45 (at least 1 s).");
        return null;
    }

    /// <summary>Codes given as "--province TO --province MI" or "--province TO,MI".</summary>
    internal static string[] Codes(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToUpperInvariant()).Distinct().ToArray();

    internal static void ValidateProvinces(OptionResult result)
    {
        foreach (var code in Codes(result.Tokens.Select(t => t.Value)).Where(c => !ProvinceCatalog.TryGet(c, out _)))
            result.AddError($"Unknown province '{code}': use the two-letter code (sigla), e.g. TO, MI, RM.");
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
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
    /// set-up, so these read the same configuration as every other command; their own options win over it.
    /// <paramref name="language"/> is the one the help and the messages use unless <c>--lang</c> or <c>Watch:Language</c>
    /// says otherwise (see <see cref="DisplayLanguage"/>).</summary>
    public static IReadOnlyList<Command> Create(ConfigureCommandConfiguration configure, Language language = Language.English) =>
        [CreateWatch(configure, WatchTerminal.Console, language), OfficesCommand.Create(configure, language: language), TownCommand.Create(configure, language: language)];

    /// <summary>The watch command alone; tests pass their own terminal.</summary>
    public static Command CreateWatch(ConfigureCommandConfiguration configure, Func<WatchTerminal> terminalFactory, Language language = Language.English)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var t = TextCatalog.For(language).Watch;
        var o = new WatchCommandOptions(t);
        var command = new Command("watch", t.WatchDescription)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var option in o.All) command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if (result.GetResult(o.TelegramToken) is not null && result.GetResult(o.ChatId) is null)
                result.AddError(Format(t.ErrorNeedsChatId, "--telegram-token"));
            if (result.GetResult(o.TelegramTokenFile) is not null && result.GetResult(o.ChatId) is null)
                result.AddError(Format(t.ErrorNeedsChatId, "--telegram-token-file"));
        });
        command.SetAction(async (ParseResult parse, CancellationToken ct) =>
        {
            var terminal = terminalFactory();
            // Checked here, not by a parser validator, so that it is one line and exit code 2 like the other usage errors.
            var chosen = parse.GetValue(o.Language);
            if (chosen is not null && !LanguageCodes.TryParse(chosen, out _))
            {
                await terminal.Error.WriteLineAsync(Format(t.ErrorLanguage, Clip(chosen))).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            if (!ConfigArguments.TrySplit(parse.UnmatchedTokens, out var configArgs, out var argError))
            {
                await terminal.Error.WriteLineAsync(argError).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            var demo = parse.GetValue(o.Demo);
            var overrides = o.ToConfiguration(parse, demo);
            var builder = WatchHost.CreateWatchBuilder(
                c => { configure(c, configArgs); c.AddInMemoryCollection(overrides); }, terminal, demo, parse.GetValue(o.Verbose), language);
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
            var t = host.Services.GetRequiredService<TextCatalog>().Watch;
            await terminal.Error.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, t.Banner,
                watch.Describe(t), watch.Interval.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), watcher.StateFile)).ConfigureAwait(false);
            await watcher.RunAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (OptionsFailures(ex) is { } failures)
        {
            foreach (var failure in failures) await terminal.Error.WriteLineAsync(failure).ConfigureAwait(false);
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
    internal static DateOnly? ParseDate(ArgumentResult result, WatchTexts t)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
        result.AddError(Format(t.ErrorNotADate, text));
        return null;
    }

    internal static TimeSpan? ParseInterval(ArgumentResult result, WatchTexts t)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
        if (DurationParser.TryParse(text, out var interval) && interval >= TimeSpan.FromSeconds(1)) return interval;
        result.AddError(Format(t.ErrorInterval, text));
        return null;
    }

    /// <summary>Codes given as "--province TO --province MI" or "--province TO,MI".</summary>
    internal static string[] Codes(IEnumerable<string>? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToUpperInvariant()).Distinct().ToArray();

    internal static Action<OptionResult> ValidateProvinces(WatchTexts t) => result =>
    {
        foreach (var code in Codes(result.Tokens.Select(token => token.Value)).Where(c => !ProvinceCatalog.TryGet(c, out _)))
            result.AddError(Format(t.ErrorUnknownProvince, code));
    };

    /// <summary>Every failure when <paramref name="exception"/> is nothing but options validation (several sections
    /// failing arrive together in an AggregateException); null for anything else.</summary>
    internal static IReadOnlyList<string>? OptionsFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => options.Failures.Any() ? options.Failures.ToList() : [options.Message],
        AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException) =>
            aggregate.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).Distinct().ToList(),
        _ => null,
    };

    internal static string Format(string format, object? value) => string.Format(CultureInfo.InvariantCulture, format, value);

    /// <summary>A value as echoed in an error: short, one line.</summary>
    internal static string Clip(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 20 ? line : line[..20] + "…";
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PassportBot.Domain.Texts;
using PassportBot.Messaging;
using PassportBot.Messaging.RabbitMq;
using PassportBot.Storage;
using PassportBot.Watch.Cli;

namespace PassportBot.Cli;

/// <summary>The <c>passportbot</c> command tree. Role commands accept any configuration key as an option
/// (<c>--Agenda:PollInterval=00:00:10</c>), so they leave unmatched tokens to the configuration.
/// Usage and configuration mistakes end with one line per problem on stderr and exit code 2, not a stack trace.</summary>
public static class CommandLine
{
    /// <summary>Exit code for a usage or configuration mistake (as in sysexits-style CLIs: 2 = misuse).</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>Runs the command line as the process was started: in the language of <c>--lang</c> or of the system.</summary>
    public static Task<int> InvokeAsync(string[] args)
    {
        var system = CultureInfo.CurrentUICulture;
        var language = DisplayLanguage.Resolve(args, Environment.GetEnvironmentVariable, system);
        // System.CommandLine's own words (usage, parse errors) come from its resources for the UI culture.
        CultureInfo.CurrentUICulture = DisplayLanguage.Culture(language);
        return Build(args, Environment.GetEnvironmentVariable, system).Parse(args).InvokeAsync();
    }

    /// <summary>The command tree. Its help and the <c>watch</c> family's messages speak the language of <c>--lang</c>
    /// in <paramref name="args"/>, else the system's (<paramref name="environment"/>: LC_ALL, LC_MESSAGES, LANG, then
    /// <paramref name="uiCulture"/>); with none of them, English.</summary>
    public static RootCommand Build(IReadOnlyList<string>? args = null, Func<string, string?>? environment = null, CultureInfo? uiCulture = null)
    {
        var language = DisplayLanguage.Resolve(args ?? [], environment ?? (_ => null), uiCulture ?? CultureInfo.InvariantCulture);
        var t = TextCatalog.For(language).Cli;
        var root = new RootCommand(t.Root);

        root.Subcommands.Add(Role("run", t.Run, Roles.All));
        root.Subcommands.Add(DemoCommand.Create(t));
        root.Subcommands.Add(Role("poller", t.Poller, Roles.Poller));
        root.Subcommands.Add(Role("bot", t.Bot, Roles.Bot));
        root.Subcommands.Add(Role("user-handler", t.UserHandler, Roles.UserHandler));
        root.Subcommands.Add(Role("avail-handler", t.AvailabilityHandler, Roles.AvailabilityHandler));
        root.Subcommands.Add(Role("dispatcher", t.Dispatcher, Roles.Dispatcher));
        root.Subcommands.Add(Role("web", t.Web, Roles.Web));
        root.Subcommands.Add(MigrateCommand(t));
        root.Subcommands.Add(DeadLetterCommand(t));
        root.Subcommands.Add(QueuesCommand(t));
        foreach (var c in WatchCommands.Create((configuration, configArgs) => PassportBotHost.Configure(configuration, "Production", configArgs, null), language))
            root.Subcommands.Add(c);
        ReportConfigurationErrors(root);
        SpeakInHelp(root, t, DisplayLanguage.Culture(language));
        return root;
    }

    /// <summary>The help output's own words ("Usage:", "Options:") in the chosen language, also when the tree is
    /// invoked in-process without <see cref="InvokeAsync(string[])"/>.</summary>
    private static void SpeakInHelp(RootCommand root, CliTexts t, CultureInfo culture)
    {
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { } option)
        {
            option.Description = t.HelpOption;
            if (option.Action is SynchronousCommandLineAction help) option.Action = new CultureAction(help, culture);
        }
        if (root.Options.OfType<VersionOption>().FirstOrDefault() is { } version) version.Description = t.VersionOption;
    }

    private sealed class CultureAction(SynchronousCommandLineAction inner, CultureInfo culture) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => inner.ClearsParseErrors;

        public override int Invoke(ParseResult parseResult)
        {
            var before = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = culture;
            try { return inner.Invoke(parseResult); }
            finally { CultureInfo.CurrentUICulture = before; }
        }
    }

    internal static Command Role(string name, string description, Roles roles)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, ct) =>
        {
            CheckArguments(parse);
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens, defaults: RolePorts.Defaults(roles)).AddRoles(roles);
            await using var app = builder.BuildApp();
            PortCheck.ThrowIfInUse(PassportBotHost.WebUrls(app.Services));
            await BusTopologyCheck.ThrowIfMismatchedAsync(app.Services, ct).ConfigureAwait(false);
            // After the checks: a start refused for its configuration must not replace the last good profile.
            JitProfile.Start(app.Services, name);
            await app.RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command MigrateCommand(CliTexts t)
    {
        var command = new Command("migrate", t.Migrate) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, ct) =>
        {
            CheckArguments(parse);
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens);
            builder.Services.AddPassportBotStorage(builder.Configuration);
            await using var app = builder.Build();
            await app.Services.GetRequiredService<IStorageMigrator>().MigrateAsync(ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync("Schema is up to date.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command DeadLetterCommand(CliTexts t)
    {
        var queue = new Option<string>("--queue") { Description = t.DlqQueue, DefaultValueFactory = _ => Queues.Message.Name };
        var max = new Option<int>("--max") { Description = t.DlqMax, DefaultValueFactory = _ => 100 };

        var list = new Command("list", t.DlqList) { TreatUnmatchedTokensAsErrors = false };
        list.Options.Add(queue);
        list.Options.Add(max);
        list.SetAction(async (parse, ct) =>
        {
            if (!TryGetQueue(parse, queue, out var name)) return UsageErrorExitCode;
            CheckArguments(parse);
            var output = parse.InvocationConfiguration.Output;
            await using var app = BusOnly(parse.UnmatchedTokens);
            var letters = await app.Services.GetRequiredService<IDeadLetterQueue>().ListAsync(name, parse.GetValue(max), ct).ConfigureAwait(false);
            foreach (var l in letters)
                await output.WriteLineAsync($"{l.DeadAt:O}\tattempts={l.Attempts}\treason={l.Reason}\t{l.Body}").ConfigureAwait(false);
            await output.WriteLineAsync($"{letters.Count} dead letter(s) in {name}.").ConfigureAwait(false);
            return 0;
        });

        var replay = new Command("replay", t.DlqReplay) { TreatUnmatchedTokensAsErrors = false };
        replay.Options.Add(queue);
        replay.Options.Add(max);
        replay.SetAction(async (parse, ct) =>
        {
            if (!TryGetQueue(parse, queue, out var name)) return UsageErrorExitCode;
            CheckArguments(parse);
            await using var app = BusOnly(parse.UnmatchedTokens);
            var moved = await app.Services.GetRequiredService<IDeadLetterQueue>().ReplayAsync(name, parse.GetValue(max), ct).ConfigureAwait(false);
            await parse.InvocationConfiguration.Output.WriteLineAsync($"{moved} message(s) moved back to {name}.").ConfigureAwait(false);
            return 0;
        });

        var dlq = new Command("dlq", t.Dlq);
        dlq.Subcommands.Add(list);
        dlq.Subcommands.Add(replay);
        return dlq;
    }

    private static Command QueuesCommand(CliTexts t)
    {
        var upgrade = new Command("upgrade", t.QueuesUpgrade) { TreatUnmatchedTokensAsErrors = false };
        upgrade.SetAction(async (parse, ct) =>
        {
            CheckArguments(parse);
            var output = parse.InvocationConfiguration.Output;
            await using var app = BusOnly(parse.UnmatchedTokens);
            if (app.Services.GetRequiredService<IMessageBus>() is not RabbitMqMessageBus bus)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("queues upgrade is for the RabbitMQ transport (Bus:Provider=rabbitmq).").ConfigureAwait(false);
                return UsageErrorExitCode;
            }
            foreach (var r in await bus.UpgradeQueuesAsync(ct).ConfigureAwait(false))
                await output.WriteLineAsync(r.Redeclared ? $"{r.Queue}: declared anew, {r.Moved} message(s) kept"
                    : r.Moved > 0 ? $"{r.Queue}: up to date, {r.Moved} message(s) moved back from an interrupted upgrade"
                    : $"{r.Queue}: up to date").ConfigureAwait(false);
            return 0;
        });

        var queues = new Command("queues", t.Queues);
        queues.Subcommands.Add(upgrade);
        return queues;
    }

    // Checked here rather than with a parser validator: a parse error exits with 1 and prints the whole help.
    private static bool TryGetQueue(ParseResult parse, Option<string> option, out string name)
    {
        name = parse.GetValue(option) ?? "";
        if (Queues.AllNames.Contains(name, StringComparer.Ordinal)) return true;
        var shown = name.Length <= 40 ? name : name[..40] + "…";
        parse.InvocationConfiguration.Error.WriteLine($"Unknown queue '{shown}' for {option.Name}; valid queues: {string.Join(", ", Queues.AllNames)}.");
        return false;
    }

    /// <summary>Tokens the command itself did not recognise must be configuration keys (<c>--Section:Key=value</c>).</summary>
    internal static void CheckArguments(ParseResult parse)
    {
        var failures = ConfigurationCheck.CheckArguments(parse.CommandResult.Command.Name, parse.UnmatchedTokens);
        if (failures.Count > 0) throw new StartupConfigurationException(failures);
    }

    /// <summary>Wraps every command's action so that an invalid configuration (options validation at start)
    /// prints its failures, one per line, instead of System.CommandLine's unhandled-exception stack trace.</summary>
    private static void ReportConfigurationErrors(Command command)
    {
        command.Action = command.Action switch
        {
            AsynchronousCommandLineAction action => new ConfigurationErrorsAsyncAction(action),
            SynchronousCommandLineAction action => new ConfigurationErrorsSyncAction(action),
            var other => other,
        };
        foreach (var sub in command.Subcommands) ReportConfigurationErrors(sub);
    }

    /// <summary>Runs the start-up options validation before the host starts. Inside StartAsync a bad value may first
    /// surface while hosted services are created, and the host logs it with a stack trace before rethrowing.</summary>
    internal static void ValidateConfiguration(IServiceProvider services) =>
        services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The failures when <paramref name="exception"/> is nothing but options validation failures
    /// (a host may wrap several in an AggregateException); null for anything else, which stays a crash.</summary>
    internal static IReadOnlyList<string>? ConfigurationFailures(Exception exception)
    {
        var failures = new List<string>();
        // A section that fails while another's validator reads it may be reported twice: once per line is enough.
        return Collect(exception) && failures.Count > 0 ? failures.Distinct(StringComparer.Ordinal).ToList() : null;

        bool Collect(Exception e)
        {
            switch (e)
            {
                case OptionsValidationException options:
                    failures.AddRange((options.Failures.Any() ? options.Failures : [options.Message]).Select(f => "Configuration error: " + f));
                    return true;
                case StartupConfigurationException startup:
                    failures.AddRange(startup.Failures);
                    return true;
                case BusTopologyException topology:
                    failures.Add(topology.Message);
                    return true;
                // An unreachable or refusing database or broker at start is an operator's matter (address, password,
                // server down): one line naming the setting, not a stack trace. Drivers' messages hold no password.
                case System.Data.Common.DbException db:
                    failures.Add($"Storage error: the database could not be used ({db.Message.ReplaceLineEndings(" ")}). " +
                        "Check Storage:Provider and Storage:ConnectionString, and that the database server is running.");
                    return true;
                case RabbitMQ.Client.Exceptions.BrokerUnreachableException broker:
                    failures.Add($"Bus error: RabbitMQ could not be reached ({(broker.InnerException ?? broker).Message.ReplaceLineEndings(" ")}). " +
                        "Check Bus:ConnectionString, and that the broker is running.");
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.All(Collect);
                default:
                    return false;
            }
        }
    }

    private static int Report(ParseResult parse, IReadOnlyList<string> failures)
    {
        foreach (var failure in failures)
            parse.InvocationConfiguration.Error.WriteLine(failure.ReplaceLineEndings(" "));
        return UsageErrorExitCode;
    }

    private sealed class ConfigurationErrorsAsyncAction(AsynchronousCommandLineAction inner) : AsynchronousCommandLineAction
    {
        public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.InvokeAsync(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (ConfigurationFailures(e) is { } failures)
            {
                return Report(parseResult, failures);
            }
        }
    }

    private sealed class ConfigurationErrorsSyncAction(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            try
            {
                return inner.Invoke(parseResult);
            }
            catch (Exception e) when (ConfigurationFailures(e) is { } failures)
            {
                return Report(parseResult, failures);
            }
        }
    }

    private static WebApplication BusOnly(IReadOnlyList<string> args)
    {
        var builder = PassportBotHost.CreateBuilder(args);
        builder.Services.AddPassportBotBus(builder.Configuration);
        return builder.Build();
    }
}

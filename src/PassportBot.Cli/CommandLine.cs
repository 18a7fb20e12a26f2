using System.CommandLine;
using System.CommandLine.Invocation;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PassportBot.Messaging;
using PassportBot.Messaging.RabbitMq;
using PassportBot.Storage;

namespace PassportBot.Cli;

/// <summary>The <c>passportbot</c> command tree. Role commands accept any configuration key as an option
/// (<c>--Agenda:PollInterval=00:00:10</c>), so they leave unmatched tokens to the configuration.
/// Usage and configuration mistakes end with one line per problem on stderr and exit code 2, not a stack trace.</summary>
public static class CommandLine
{
    /// <summary>Exit code for a usage or configuration mistake (as in sysexits-style CLIs: 2 = misuse).</summary>
    public const int UsageErrorExitCode = 2;

    public static RootCommand Build()
    {
        var root = new RootCommand(
            "PassportBot: tells you on Telegram the moment a passport appointment frees up at a police office in the provinces you follow.");

        root.Subcommands.Add(Role("run", "Run every role in one process (embedded defaults: SQLite + in-process bus).", Roles.All));
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(Role("poller", "Poll the agenda site for followed provinces.", Roles.Poller));
        root.Subcommands.Add(Role("bot", "Answer users on Telegram (subscribe, list, stop, admin commands).", Roles.Bot));
        root.Subcommands.Add(Role("user-handler", "Apply subscription changes from the new_user queue.", Roles.UserHandler));
        root.Subcommands.Add(Role("avail-handler", "Deduplicate availability and fan out notifications (with the outbox relay).", Roles.AvailabilityHandler));
        root.Subcommands.Add(Role("dispatcher", "Send queued messages to Telegram within its rate limits.", Roles.Dispatcher));
        root.Subcommands.Add(Role("web", "Serve the dashboard, /api and /health.", Roles.Web));
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(DeadLetterCommand());
        root.Subcommands.Add(QueuesCommand());
        foreach (var c in PassportBot.Watch.Cli.WatchCommands.Create((configuration, args) => PassportBotHost.Configure(configuration, "Production", args, null))) root.Subcommands.Add(c);
        ReportConfigurationErrors(root);
        return root;
    }

    internal static Command Role(string name, string description, Roles roles)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, ct) =>
        {
            CheckArguments(parse);
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens, defaults: RolePorts.Defaults(roles)).AddRoles(roles);
            await using var app = builder.BuildApp();
            ValidateConfiguration(app.Services);
            PortCheck.ThrowIfInUse(PassportBotHost.WebUrls(app.Configuration));
            await BusTopologyCheck.ThrowIfMismatchedAsync(app.Services, ct).ConfigureAwait(false);
            await app.RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Create or upgrade the database schema, then exit.") { TreatUnmatchedTokensAsErrors = false };
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

    private static Command DeadLetterCommand()
    {
        var queue = new Option<string>("--queue") { Description = "Queue whose dead letters to act on (new_user, new_availabilities, message, targets).", DefaultValueFactory = _ => Queues.Message.Name };
        var max = new Option<int>("--max") { Description = "At most this many messages.", DefaultValueFactory = _ => 100 };

        var list = new Command("list", "Show dead-lettered messages without removing them.") { TreatUnmatchedTokensAsErrors = false };
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

        var replay = new Command("replay", "Move dead-lettered messages back to their queue.") { TreatUnmatchedTokensAsErrors = false };
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

        var dlq = new Command("dlq", "Inspect and replay dead-lettered messages (RabbitMQ transport).");
        dlq.Subcommands.Add(list);
        dlq.Subcommands.Add(replay);
        return dlq;
    }

    private static Command QueuesCommand()
    {
        var upgrade = new Command("upgrade",
            "Redeclare RabbitMQ queues left with other arguments by an earlier version, keeping their messages. Stop every role first.")
        { TreatUnmatchedTokensAsErrors = false };
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

        var queues = new Command("queues", "Maintain the RabbitMQ queues.");
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
        return Collect(exception) && failures.Count > 0 ? failures : null;

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

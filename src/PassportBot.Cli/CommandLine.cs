using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PassportBot.Messaging;
using PassportBot.Storage;

namespace PassportBot.Cli;

/// <summary>The <c>passportbot</c> command tree. Role commands accept any configuration key as an option
/// (<c>--Agenda:PollInterval=00:00:10</c>), so they leave unmatched tokens to the configuration.</summary>
public static class CommandLine
{
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
        foreach (var c in PassportBot.Watch.Cli.WatchCommands.Create((configuration, args) => PassportBotHost.Configure(configuration, "Production", args, null))) root.Subcommands.Add(c);
        return root;
    }

    internal static Command Role(string name, string description, Roles roles)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(async (parse, ct) =>
        {
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens).AddRoles(roles);
            await using var app = builder.BuildApp();
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
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens);
            builder.Services.AddPassportBotStorage(builder.Configuration);
            await using var app = builder.Build();
            await app.Services.GetRequiredService<IStorageMigrator>().MigrateAsync(ct).ConfigureAwait(false);
            Console.WriteLine("Schema is up to date.");
            return 0;
        });
        return command;
    }

    private static Command DeadLetterCommand()
    {
        var queue = new Option<string>("--queue") { Description = "Queue whose dead letters to act on (new_user, new_availabilities, message).", DefaultValueFactory = _ => Queues.Message.Name };
        var max = new Option<int>("--max") { Description = "At most this many messages.", DefaultValueFactory = _ => 100 };

        var list = new Command("list", "Show dead-lettered messages without removing them.") { TreatUnmatchedTokensAsErrors = false };
        list.Options.Add(queue);
        list.Options.Add(max);
        list.SetAction(async (parse, ct) =>
        {
            await using var app = BusOnly(parse.UnmatchedTokens);
            var letters = await app.Services.GetRequiredService<IDeadLetterQueue>().ListAsync(ValidQueue(parse.GetValue(queue)!), parse.GetValue(max), ct).ConfigureAwait(false);
            foreach (var l in letters)
                Console.WriteLine($"{l.DeadAt:O}\tattempts={l.Attempts}\treason={l.Reason}\t{l.Body}");
            Console.WriteLine($"{letters.Count} dead letter(s) in {parse.GetValue(queue)}.");
            return 0;
        });

        var replay = new Command("replay", "Move dead-lettered messages back to their queue.") { TreatUnmatchedTokensAsErrors = false };
        replay.Options.Add(queue);
        replay.Options.Add(max);
        replay.SetAction(async (parse, ct) =>
        {
            await using var app = BusOnly(parse.UnmatchedTokens);
            var moved = await app.Services.GetRequiredService<IDeadLetterQueue>().ReplayAsync(ValidQueue(parse.GetValue(queue)!), parse.GetValue(max), ct).ConfigureAwait(false);
            Console.WriteLine($"{moved} message(s) moved back to {parse.GetValue(queue)}.");
            return 0;
        });

        var dlq = new Command("dlq", "Inspect and replay dead-lettered messages (RabbitMQ transport).");
        dlq.Subcommands.Add(list);
        dlq.Subcommands.Add(replay);
        return dlq;
    }

    private static string ValidQueue(string name) =>
        Queues.AllNames.Contains(name) ? name : throw new ArgumentException($"Unknown queue '{name}'. Valid: {string.Join(", ", Queues.AllNames)}.");

    private static WebApplication BusOnly(IReadOnlyList<string> args)
    {
        var builder = PassportBotHost.CreateBuilder(args);
        builder.Services.AddPassportBotBus(builder.Configuration);
        return builder.Build();
    }
}

using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda.Simulator.Hosting;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
using PassportBot.Messaging;
using PassportBot.Telegram;

namespace PassportBot.Cli;

/// <summary><c>passportbot demo</c>: the whole system against the built-in agenda simulator. Without a Telegram
/// token, a console chat follows a few provinces and its messages are printed.</summary>
public static partial class DemoCommand
{
    /// <summary>The chat id the console stands for when no Telegram token is configured.</summary>
    public const long ConsoleChatId = 1;

    public static Command Create(CliTexts texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var command = new Command("demo", texts.Demo)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parse, ct) =>
        {
            var defaults = new Dictionary<string, string?>
            {
                ["Agenda:PollInterval"] = "00:00:05",
                ["Storage:ConnectionString"] = "Data Source=data/demo.db",
                ["Workers:PollJitter"] = "00:00:00.200",
                // Slots are announced at any hour, so a demo started at night shows them at once.
                ["Simulator:BookableAnyHour"] = "true",
            };
            CommandLine.CheckArguments(parse);
            var builder = PassportBotHost.CreateBuilder(parse.UnmatchedTokens, defaults).AddRoles(Roles.All);
            builder.Services.AddAgendaSimulator(builder.Configuration);
            builder.Services.AddOptions<DemoOptions>().Bind(builder.Configuration.GetSection(DemoOptions.Section)).ValidateOnStart();
            builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>());
            builder.Services.AddHostedService<ConsoleSubscriber>();
            await using var app = builder.BuildApp();
            PortCheck.ThrowIfInUse(PassportBotHost.WebUrls(app.Services));
            JitProfile.Start(app.Services, "demo");
            await app.RunAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>Without a bot (no token, inline or in a file) the demo prints to the console as a chat of its own.</summary>
    public static bool UsesConsoleChat(TelegramOptions telegram)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        return !telegram.HasToken && string.IsNullOrWhiteSpace(telegram.TokenFile);
    }

    /// <summary>Makes the console chat follow <c>Demo:Provinces</c> (default TO, MI, RM) through the real
    /// subscription path, so the demo shows the summary and then new slots as they appear.</summary>
    private sealed partial class ConsoleSubscriber(IMessageBus bus, IOptions<DemoOptions> options, IOptions<TelegramOptions> telegram,
        ILogger<ConsoleSubscriber> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (!UsesConsoleChat(telegram.Value)) return;
            var wanted = options.Value.Provinces is { Count: > 0 } p ? p : DemoOptions.DefaultProvinces;
            foreach (var code in wanted)
            {
                // The validator has refused unknown codes.
                if (!ProvinceCatalog.TryNormalize(code, out var province)) continue;
                await bus.PublishAsync(Queues.NewUser, new SubscriptionRequest(ConsoleChatId, province, SubscriptionOperation.Insert) { Language = Language.English }, stoppingToken).ConfigureAwait(false);
            }
            LogFollowing(string.Join(", ", wanted));
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Demo: the console chat follows {Provinces}. New slots are printed below as they appear; the dashboard is at Web:Urls.")]
        private partial void LogFollowing(string provinces);
    }
}

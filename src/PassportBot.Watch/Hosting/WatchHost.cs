using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Agenda.Credentials;
using PassportBot.Agenda.Simulator.Hosting;
using PassportBot.Domain;
using PassportBot.Domain.Texts;
using PassportBot.Targets;
using PassportBot.Telegram;
using PassportBot.Telegram.Sending;
using PassportBot.Watch.Output;
using PassportBot.Watch.Push;

namespace PassportBot.Watch.Hosting;

/// <summary>Builds the small host behind <c>passportbot watch</c>, <c>offices</c> and <c>town</c>: the same agenda
/// client, credential sources, session and scanner as the full system (<c>AddAgendaClient</c>), or the built-in
/// simulator for <c>--demo</c>. No storage, no bus, no web server.</summary>
public static class WatchHost
{
    public const string TelegramHttpClient = "PassportBot.Watch.Telegram";
    internal const string TelegramLogCategory = "PassportBot.Watch.Telegram";
    public const string TargetsHttpClient = "PassportBot.Watch.Targets";

    /// <summary>Host with the agenda client only. <paramref name="configure"/> fills the configuration (the CLI adds
    /// appsettings.json, PASSPORTBOT_* variables and its command-line values there).</summary>
    /// <param name="log">Where <paramref name="verbose"/> logs go (standard error when null). The <c>Logging</c>
    /// configuration section filters them as in every other command.</param>
    public static HostApplicationBuilder CreateAgendaBuilder(Action<IConfigurationManager> configure, bool demo, bool verbose = false, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "passportbot",
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        configure(builder.Configuration);
        builder.Logging.ClearProviders();
        // Standard output belongs to the events or the live view.
        var writer = log ?? Console.Error;
        builder.Logging.Services.AddSingleton<ILoggerProvider>(sp => new TextWriterLoggerProvider(writer, sp.GetRequiredService<TimeProvider>()));
        if (verbose)
        {
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        }
        else
        {
            // Quiet, except for what the user must act on: token files they cannot use or that others can read.
            builder.Logging.AddFilter<TextWriterLoggerProvider>((category, level) => level >= LogLevel.Warning
                && (category == TelegramLogCategory || category == typeof(FileCredentialSource).FullName));
        }
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddAgendaClient(builder.Configuration);
        if (demo)
        {
            // Before the section is bound, so Simulator:BookableAnyHour=false still applies when given.
            builder.Services.Configure<SimulatorOptions>(o => o.BookableAnyHour = true);
            builder.Services.AddAgendaSimulator(builder.Configuration);
        }
        return builder;
    }

    /// <summary>Host for the watch: the agenda client plus the watch loop, its output and the optional Telegram push.</summary>
    /// <param name="language">What the screen speaks unless <c>Watch:Language</c> (<c>--lang</c>) is set.</param>
    public static HostApplicationBuilder CreateWatchBuilder(Action<IConfigurationManager> configure, WatchTerminal terminal, bool demo, bool verbose = false,
        Language language = Language.English)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var builder = CreateAgendaBuilder(configure, demo, verbose, terminal.Error);
        builder.Services.AddPassportBotWatch(builder.Configuration, terminal, demo, language);
        return builder;
    }

    public static IServiceCollection AddPassportBotWatch(this IServiceCollection services, IConfiguration configuration, WatchTerminal terminal, bool demo,
        Language language = Language.English)
    {
        // A language chosen in configuration (or with --lang) is for the screen too; otherwise the screen keeps the
        // system's language while Telegram messages keep the bot's default, Italian.
        services.AddSingleton(sp => TextCatalog.For(
            LanguageCodes.TryParse(sp.GetRequiredService<IOptions<WatchOptions>>().Value.Language, out var configured) ? configured : language));
        services.AddOptions<WatchOptions>().Bind(configuration.GetSection(WatchOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchOptions>, WatchPushValidator>());
        services.AddTelegramOptions(configuration);
        services.AddOptions<TelegramOptions>().PostConfigure<ILoggerFactory>((o, logs) =>
            o.ReadTokenFile(path => SecretFile.Read(path, headerName: null, logs.CreateLogger(TelegramLogCategory))));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(terminal);
        services.AddSingleton(new WatchRuntime(demo));
        services.AddSingleton<WatchStatus>();
        services.AddSingleton(sp => new TerminalBell(terminal, sp.GetRequiredService<IOptions<WatchOptions>>().Value.Quiet));
        services.AddSingleton<IWatchOutput>(sp =>
        {
            var watch = sp.GetRequiredService<IOptions<WatchOptions>>().Value;
            var agenda = sp.GetRequiredService<IOptions<AgendaOptions>>().Value;
            return terminal.UsePlain(watch.Plain)
                ? new PlainOutput(terminal, sp.GetRequiredService<TextCatalog>())
                : new LiveOutput(terminal, sp.GetRequiredService<WatchStatus>(), sp.GetRequiredService<TimeProvider>(), agenda.CookieFile, agenda.CsrfTokenFile,
                    sp.GetRequiredService<TextCatalog>());
        });

        // The token is part of every Bot API URL: HttpClient's request logs would print it (as Telegram.Bot's
        // examples warn), so this client has none.
        services.AddHttpClient(TelegramHttpClient, (sp, http) =>
            http.Timeout = sp.GetRequiredService<IOptions<TelegramOptions>>().Value.RequestTimeout)
            .RemoveAllLoggers();
        // URLs may carry secrets and the ntfy token is a header: no request logging. Timeouts are per request.
        services.AddHttpClient(TargetsHttpClient).ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        // The pushes exist only when their settings ask for them (the validators have checked those).
        services.AddSingleton(sp =>
        {
            var pushes = new List<object>(2);
            if (TelegramPushFor(sp) is { } telegram) pushes.Add(telegram);
            if (TargetPushFor(sp) is { } targets) pushes.Add(targets);
            return ActivatorUtilities.CreateInstance<Watcher>(sp, [.. pushes]);
        });
        return services;
    }

    private static TelegramPush? TelegramPushFor(IServiceProvider sp)
    {
        var watch = sp.GetRequiredService<IOptions<WatchOptions>>().Value;
        var telegram = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
        if (watch.ChatId is not { } chat || !telegram.HasToken) return null;
        var time = sp.GetRequiredService<TimeProvider>();
        var sender = new BotApiChatSender(telegram.Token!, telegram.ApiBaseUrl, chat, sp.GetRequiredService<IHttpClientFactory>().CreateClient(TelegramHttpClient),
            new SendRateLimiter(BotApiChatSender.Limits(telegram.PerChatInterval), time));
        return new TelegramPush(sender, new TelegramPushSettings(watch.MessageLanguage, watch.NotifyGone), sp.GetRequiredService<IWatchOutput>(), time);
    }

    private static TargetPush? TargetPushFor(IServiceProvider sp)
    {
        var watch = sp.GetRequiredService<IOptions<WatchOptions>>().Value;
        if (string.IsNullOrWhiteSpace(watch.Webhook) && string.IsNullOrWhiteSpace(watch.Ntfy)) return null;
        var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(TargetsHttpClient);
        var none = new HashSet<string>();
        var webhook = string.IsNullOrWhiteSpace(watch.Webhook) ? null
            : new WebhookEndpoint("watch", new Uri(watch.Webhook), string.IsNullOrWhiteSpace(watch.WebhookSecret) ? null : watch.WebhookSecret, none);
        var ntfy = string.IsNullOrWhiteSpace(watch.Ntfy) ? null
            : new NtfyEndpoint("watch", new Uri(watch.Ntfy), string.IsNullOrWhiteSpace(watch.NtfyToken) ? null : watch.NtfyToken, none, watch.MessageLanguage);
        return new TargetPush(new WebhookSender(http), new NtfySender(http),
            new TargetPushSettings(webhook, ntfy, NotificationTargetsOptions.DefaultTimeout, TimeSpan.FromSeconds(1)),
            sp.GetRequiredService<IWatchOutput>(), sp.GetRequiredService<TimeProvider>());
    }
}

/// <summary>A chat id without a token (or the reverse on the command line) is a mistake worth stopping for.</summary>
public sealed class WatchPushValidator(IOptions<TelegramOptions> telegram) : IValidateOptions<WatchOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ChatId is null) return ValidateOptionsResult.Success;
        TelegramOptions t;
        try
        {
            t = telegram.Value;
        }
        catch (OptionsValidationException)
        {
            // The Telegram section's own validation reports it (an unreadable token file among them); once is enough.
            return ValidateOptionsResult.Success;
        }
        return t.HasToken ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(
            "--chat-id needs a bot token: --telegram-token-file, --telegram-token, Telegram:TokenFile, Telegram:Token or PASSPORTBOT_Telegram__Token.");
    }
}

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
        var chosen = configuration[$"{WatchOptions.Section}:{nameof(WatchOptions.Language)}"];
        services.AddSingleton(TextCatalog.For(LanguageCodes.TryParse(chosen, out var configured) ? configured : language));
        services.AddOptions<WatchOptions>().Bind(configuration.GetSection(WatchOptions.Section)).ValidateOnStart();
        services.AddOptions<WatchTelegramOptions>().Bind(configuration.GetSection(WatchTelegramOptions.Section))
            .PostConfigure<ILoggerFactory>((o, logs) => o.ResolveTokenFile(logs.CreateLogger(TelegramLogCategory)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchOptions>, WatchOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchOptions>, WatchPushValidator>());
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

        var chatId = configuration.GetValue<long?>($"{WatchOptions.Section}:{nameof(WatchOptions.ChatId)}");
        var token = configuration[$"{WatchTelegramOptions.Section}:{nameof(WatchTelegramOptions.Token)}"];
        var tokenFile = configuration[$"{WatchTelegramOptions.Section}:{nameof(WatchTelegramOptions.TokenFile)}"];
        if (chatId is { } chat && (!string.IsNullOrWhiteSpace(token) || !string.IsNullOrWhiteSpace(tokenFile)))
        {
            // The token is part of every Bot API URL: HttpClient's request logs would print it (as Telegram.Bot's
            // examples warn), so this client has none.
            services.AddHttpClient(TelegramHttpClient, (sp, http) =>
                http.Timeout = sp.GetRequiredService<IOptions<WatchTelegramOptions>>().Value.RequestTimeout)
                .RemoveAllLoggers();
            services.AddSingleton(sp => new SendRateLimiter(
                BotApiChatSender.Limits(sp.GetRequiredService<IOptions<WatchTelegramOptions>>().Value.PerChatInterval), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IChatSender>(sp =>
            {
                var o = sp.GetRequiredService<IOptions<WatchTelegramOptions>>().Value;
                return new BotApiChatSender(o.Token!, o.ApiBaseUrl, chat, sp.GetRequiredService<IHttpClientFactory>().CreateClient(TelegramHttpClient),
                    sp.GetRequiredService<SendRateLimiter>());
            });
            services.AddSingleton(sp =>
            {
                var watch = sp.GetRequiredService<IOptions<WatchOptions>>().Value;
                return new TelegramPush(sp.GetRequiredService<IChatSender>(),
                    new TelegramPushSettings(watch.MessageLanguage, watch.NotifyGone),
                    sp.GetRequiredService<IWatchOutput>(), sp.GetRequiredService<TimeProvider>());
            });
        }
        var webhookUrl = configuration[$"{WatchOptions.Section}:{nameof(WatchOptions.Webhook)}"];
        var ntfyUrl = configuration[$"{WatchOptions.Section}:{nameof(WatchOptions.Ntfy)}"];
        if (!string.IsNullOrWhiteSpace(webhookUrl) || !string.IsNullOrWhiteSpace(ntfyUrl))
        {
            // URLs may carry secrets and the ntfy token is a header: no request logging. Timeouts are per request.
            services.AddHttpClient(TargetsHttpClient).ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
            services.AddSingleton(sp =>
            {
                var watch = sp.GetRequiredService<IOptions<WatchOptions>>().Value;
                var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(TargetsHttpClient);
                var none = new HashSet<string>();
                var webhook = string.IsNullOrWhiteSpace(watch.Webhook) ? null
                    : new WebhookEndpoint("watch", new Uri(watch.Webhook), string.IsNullOrWhiteSpace(watch.WebhookSecret) ? null : watch.WebhookSecret, none);
                var ntfy = string.IsNullOrWhiteSpace(watch.Ntfy) ? null
                    : new NtfyEndpoint("watch", new Uri(watch.Ntfy), string.IsNullOrWhiteSpace(watch.NtfyToken) ? null : watch.NtfyToken, none, watch.MessageLanguage);
                return new TargetPush(new WebhookSender(http), new NtfySender(http),
                    new TargetPushSettings(webhook, ntfy, NotificationTargetsOptions.DefaultTimeout, TimeSpan.FromSeconds(1)),
                    sp.GetRequiredService<IWatchOutput>(), sp.GetRequiredService<TimeProvider>());
            });
        }
        services.AddSingleton<Watcher>();
        return services;
    }
}

/// <summary>The part of <c>Telegram:*</c> the watch uses (the same keys as the bot's).</summary>
public sealed class WatchTelegramOptions
{
    public const string Section = "Telegram";
    public string? Token { get; set; }
    /// <summary>A file holding the token (kept off the command line, where <c>ps</c> shows it); used when
    /// <see cref="Token"/> is empty.</summary>
    public string? TokenFile { get; set; }
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";
    public TimeSpan PerChatInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Why <see cref="TokenFile"/> gave no token, for the validator (never its content).</summary>
    internal string? TokenFileProblem { get; private set; }

    internal void ResolveTokenFile(ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(Token) || string.IsNullOrWhiteSpace(TokenFile)) return;
        try
        {
            Token = SecretFile.Read(TokenFile, headerName: null, logger);
            if (Token is null) TokenFileProblem = $"Telegram:TokenFile '{TokenFile}' is empty.";
        }
        catch (IOException ex)
        {
            TokenFileProblem = $"Telegram:TokenFile: {ex.Message}";
        }
    }
}

/// <summary>A chat id without a token (or the reverse on the command line) is a mistake worth stopping for.</summary>
public sealed class WatchPushValidator(IOptions<WatchTelegramOptions> telegram) : IValidateOptions<WatchOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchOptions options)
    {
        var t = telegram.Value;
        var errors = new List<string>();
        if (options.ChatId is not null && t.TokenFileProblem is { } problem)
            errors.Add(problem);
        else if (options.ChatId is not null && string.IsNullOrWhiteSpace(t.Token))
            errors.Add("--chat-id needs a bot token: --telegram-token-file, --telegram-token, Telegram:TokenFile, Telegram:Token or PASSPORTBOT_Telegram__Token.");
        if (options.ChatId is not null && !Uri.TryCreate(t.ApiBaseUrl, UriKind.Absolute, out _))
            errors.Add("Telegram:ApiBaseUrl must be an absolute URL.");
        if (options.ChatId is not null && t.PerChatInterval < TimeSpan.Zero) errors.Add("Telegram:PerChatInterval must not be negative.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

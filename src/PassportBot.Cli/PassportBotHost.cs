using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using PassportBot.Agenda;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;
using PassportBot.Observability;
using PassportBot.Storage;
using PassportBot.Telegram;
using PassportBot.Web;
using PassportBot.Workers;

namespace PassportBot.Cli;

/// <summary>Builds the host for one or more roles. Configuration, lowest to highest precedence: appsettings.json
/// next to the executable, appsettings.json and appsettings.{Environment}.json in the working folder,
/// PASSPORTBOT_* environment variables (<c>__</c> between sections), command-line options (<c>--Section:Key=value</c>).</summary>
public static class PassportBotHost
{
    public const string EnvironmentPrefix = "PASSPORTBOT_";

    /// <param name="overrides">Settings above the JSON files (below the environment and the command line).</param>
    /// <param name="defaults">Settings below everything else (a role's own defaults).</param>
    public static WebApplicationBuilder CreateBuilder(IReadOnlyList<string> configArgs, IDictionary<string, string?>? overrides = null, IDictionary<string, string?>? defaults = null)
    {
        // The web builder reads appsettings.json itself before ours replaces its sources: check the files first.
        SettingsFiles.ThrowIfBroken(SettingsFiles.For(Environments.Production).Concat(SettingsFiles.For(
            Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production)));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configArgs.ToArray(),
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        Configure(builder.Configuration, builder.Environment.EnvironmentName, configArgs, overrides, defaults);
        // The formatter is Logging:Console:FormatterName ("json" writes one JSON object per line, as the container
        // image does). Named even by default: with no name the console logger resets the simple formatter's options.
        builder.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat ??= "HH:mm:ss ";
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat ??= "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            o.UseUtcTimestamp = true;
        });
        return builder;
    }

    /// <summary>Fills <paramref name="configuration"/> from the usual sources and checks it against the options types
    /// (<see cref="ConfigurationCheck"/>); throws <see cref="StartupConfigurationException"/> naming what is wrong.</summary>
    public static void Configure(IConfigurationManager configuration, string environment, IReadOnlyList<string> configArgs,
        IDictionary<string, string?>? overrides, IDictionary<string, string?>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        DurationConverter.Register();
        var files = SettingsFiles.For(environment);
        SettingsFiles.ThrowIfBroken(files);
        configuration.Sources.Clear();
        if (defaults is not null) configuration.AddInMemoryCollection(defaults);
        foreach (var file in files) configuration.AddJsonFile(file, optional: true, reloadOnChange: false);
        if (overrides is not null) configuration.AddInMemoryCollection(overrides);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddOpenTelemetryEnvironment();
        configuration.AddCommandLine(configArgs.ToArray());
        var failures = ConfigurationCheck.Check(configuration);
        if (failures.Count > 0) throw new StartupConfigurationException(failures.Select(f => "Configuration error: " + f).ToArray());
    }

    /// <summary>Registers what the given roles need, and only that.</summary>
    public static WebApplicationBuilder AddRoles(this WebApplicationBuilder builder, Roles roles)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<StartupOptions>().Bind(builder.Configuration.GetSection(StartupOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StartupOptions>, StartupOptionsValidator>());
        services.AddHealthChecks().AddBusHealthCheck();
        services.AddPassportBotStorage(config);
        services.AddPassportBotBus(config);
        services.AddPassportBotObservability(config, ServiceName(roles));
        services.AddHostedService<QueueMetricsSampler>();

        if (roles.HasFlag(Roles.Poller) || roles.HasFlag(Roles.Bot)) services.AddAgendaClient(config);
        if (roles.HasFlag(Roles.Poller)) services.AddPoller(config);
        if (roles.HasFlag(Roles.UserHandler)) services.AddNewUserHandler(config);
        if (roles.HasFlag(Roles.AvailabilityHandler)) services.AddAvailabilityHandler(config);
        if (roles.HasFlag(Roles.Dispatcher))
        {
            services.AddTelegramNotifier(config);
            services.AddDispatcher(config);
        }
        if (roles.HasFlag(Roles.Bot)) services.AddTelegramBot(config);
        services.AddPassportBotWeb(config);
        return builder;
    }

    public static WebApplication BuildApp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        // Every section is validated before anything is read from it, so all problems are reported together.
        CommandLine.ValidateConfiguration(app.Services);
        foreach (var url in WebUrls(app.Services)) app.Urls.Add(url);
        app.MapPassportBotWeb();
        app.MapPassportBotMetrics();
        return app;
    }

    /// <summary>The addresses in <c>Web:Urls</c>.</summary>
    public static IReadOnlyList<string> WebUrls(IServiceProvider services) =>
        services.GetRequiredService<IOptions<WebOptions>>().Value.UrlList;

    /// <summary>OpenTelemetry <c>service.name</c>: <c>passportbot</c> for <c>run</c>, else e.g. <c>passportbot-poller</c>.</summary>
    public static string ServiceName(Roles roles) => roles == Roles.All
        ? "passportbot"
        : "passportbot-" + string.Join('+', Enum.GetValues<Roles>()
            .Where(r => r is not (Roles.None or Roles.All or Roles.Web) && roles.HasFlag(r))
            .Select(r => r.ToString().ToLowerInvariant())
            .DefaultIfEmpty("web"));
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PassportBot.Agenda;
using PassportBot.Messaging;
using PassportBot.Messaging.Hosting;
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

    public static WebApplicationBuilder CreateBuilder(IReadOnlyList<string> configArgs, IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = configArgs.ToArray(),
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        Configure(builder.Configuration, builder.Environment.EnvironmentName, configArgs, overrides);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        return builder;
    }

    public static void Configure(IConfigurationManager configuration, string environment, IReadOnlyList<string> configArgs, IDictionary<string, string?>? overrides)
    {
        configuration.Sources.Clear();
        configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false);
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false);
        configuration.AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), $"appsettings.{environment}.json"), optional: true, reloadOnChange: false);
        if (overrides is not null) configuration.AddInMemoryCollection(overrides);
        configuration.AddEnvironmentVariables(EnvironmentPrefix);
        configuration.AddCommandLine(configArgs.ToArray());
    }

    /// <summary>Registers what the given roles need, and only that.</summary>
    public static WebApplicationBuilder AddRoles(this WebApplicationBuilder builder, Roles roles)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddHealthChecks().AddBusHealthCheck();
        services.AddPassportBotStorage(config);
        services.AddPassportBotBus(config);

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
        var urls = builder.Configuration["Web:Urls"];
        if (!string.IsNullOrWhiteSpace(urls)) builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var app = builder.Build();
        app.MapPassportBotWeb();
        return app;
    }
}

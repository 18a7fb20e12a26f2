using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PassportBot.Web.Api;
using PassportBot.Web.Dashboard;
using PassportBot.Web.Health;

namespace PassportBot.Web;

public static class WebEndpointRouteBuilderExtensions
{
    /// <summary>Maps the endpoints and makes the server listen on <c>Web:Urls</c> (unless the host already set
    /// addresses explicitly on <see cref="WebApplication.Urls"/>).</summary>
    public static WebApplication MapPassportBotWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Urls.Count == 0)
        {
            foreach (var url in app.Services.GetRequiredService<IOptions<WebOptions>>().Value.UrlList) app.Urls.Add(url);
        }
        ((IEndpointRouteBuilder)app).MapPassportBotWeb();
        return app;
    }

    /// <summary><c>GET /health</c> (also <c>/health/ready</c> and <c>/health/live</c>), <c>GET /api/*</c>,
    /// <c>GET /openapi/v1.json</c>, the dashboard at <c>/</c>, province pages at <c>/province/{code}</c> and the API
    /// page at <c>/api-docs</c>.</summary>
    public static IEndpointRouteBuilder MapPassportBotWeb(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Degraded (e.g. expired agenda credentials) still answers 200: the host is up and serving.
        // /health and /health/ready run every check (the dependencies); /health/live none: it answers while the
        // process does, so a liveness probe never restarts a process because its database is away.
        endpoints.MapHealthChecks("/health", HealthOptions(_ => true));
        endpoints.MapHealthChecks("/health/ready", HealthOptions(_ => true));
        endpoints.MapHealthChecks("/health/live", HealthOptions(_ => false));

        StatusApi.Map(endpoints);
        endpoints.MapOpenApi("/openapi/{documentName}.json");

        endpoints.MapGet("/", (HttpContext http, DashboardAssets assets) => assets.Serve(http, "index.html")).ExcludeFromDescription();
        // The page checks the code itself (and says so when it is unknown), so any two letters get the page.
        endpoints.MapGet("/province/{code}", (HttpContext http, DashboardAssets assets) => assets.Serve(http, "province.html")).ExcludeFromDescription();
        endpoints.MapGet("/api-docs", (HttpContext http, DashboardAssets assets) => assets.Serve(http, "api-docs.html")).ExcludeFromDescription();
        endpoints.MapGet("/assets/{name}", (string name, HttpContext http, DashboardAssets assets) => assets.Serve(http, name)).ExcludeFromDescription();
        return endpoints;
    }

    private static HealthCheckOptions HealthOptions(Func<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthResponseWriter.WriteAsync,
        ResultStatusCodes =
        {
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy] = StatusCodes.Status200OK,
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded] = StatusCodes.Status200OK,
            [Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}

using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Npgsql;

namespace Moderation.AuthApi.Health;

/// <summary>Liveness (<c>/healthz</c>: the process answers) and readiness (<c>/readyz</c>: PostgreSQL answers too).</summary>
public static class HealthEndpoints
{
    public static IServiceCollection AddModerationHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).ForAnyone().DisableRateLimiting().WithTags("Health");
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).ForAnyone().DisableRateLimiting().WithTags("Health");
        return app;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Experiments;
using Moderation.AuthApi.Identity;
using Moderation.AuthApi.Infrastructure;
using Moderation.Contracts.Experiments;

namespace Moderation.AuthApi.Authorization;

/// <summary>
/// Enforces an experiment-scoped <see cref="AccessRule"/>: finds the experiment the route names (<c>{org}/{model}</c>,
/// a reference <c>{id}</c>, or the reference <c>organization_name</c>/<c>model_name</c> query), refuses with 404 when
/// there is none and 403 when the caller lacks the role or scope (reference endpoints: 401 with a detail), and puts the
/// experiment and the caller's role in <see cref="ExperimentContext"/> for the handler.
/// </summary>
public static class ExperimentAccessFilter
{
    public static readonly Func<EndpointFilterFactoryContext, EndpointFilterDelegate, EndpointFilterDelegate> Factory = (_, next) =>
        async invocation => await CheckAsync(invocation.HttpContext) ?? await next(invocation);

    private static async Task<ProblemHttpResult?> CheckAsync(HttpContext http)
    {
        var rule = http.GetEndpoint()?.Metadata.GetMetadata<AccessRule>()
                   ?? throw new InvalidOperationException("An experiment filter without an access rule.");
        var services = http.RequestServices;
        var context = services.GetRequiredService<ExperimentContext>();
        var (experiment, name, malformed) = await LocateAsync(http, services);
        if (malformed is not null)
        {
            return TypedResults.Problem(malformed, statusCode: rule.Reference ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
                title: "The request is not valid");
        }
        if (experiment is null)
        {
            return !rule.Reference ? Problems.NotFound($"There is no experiment {name}.")
                : rule.MinimumRole == ExperimentRole.Owner ? Problems.ReferenceRefusal(ReferenceOwnersOnly(null))
                : Problems.ReferenceRefusal($"There is no collaborative experiment {name}.");
        }
        var caller = services.GetRequiredService<Caller>();
        var role = caller.Kind == CallerKind.User ? services.GetRequiredService<ExperimentRoles>().RoleIn(experiment, caller) : ExperimentRole.None;
        var refusal = (caller.Kind, rule.Audience) switch
        {
            (CallerKind.User, Audience.ExperimentMembers) when role < rule.MinimumRole => rule.Reference
                ? ReferenceOwnersOnly(experiment)
                : $"Only {AccessPolicies.Holders(rule.MinimumRole)} of {experiment.OrganizationName}/{experiment.ModelName} may {Doing(http)}.",
            (CallerKind.ServiceKey, Audience.ServiceKeys or Audience.Reporters) when !caller.ServiceKey!.Allows(experiment.Id, rule.Scope!) =>
                $"This service key may not do this in {experiment.OrganizationName}/{experiment.ModelName}: it needs the scope {rule.Scope} there.",
            (CallerKind.Peer, Audience.Reporters) when caller.Peer!.ExperimentId != experiment.Id =>
                $"This peer token is for another experiment than {experiment.OrganizationName}/{experiment.ModelName}.",
            _ => null,
        };
        if (refusal is not null)
        {
            return rule.Reference ? Problems.ReferenceRefusal(refusal) : Problems.Forbidden(refusal);
        }
        context.Set(experiment, role);
        return null;
    }

    private static async Task<(Experiment? Experiment, string Name, string? Malformed)> LocateAsync(HttpContext http, IServiceProvider services)
    {
        var db = services.GetRequiredService<ModerationDb>();
        var cache = services.GetRequiredService<ExperimentCache>();
        var route = http.Request.RouteValues;
        var ct = http.RequestAborted;
        if (route.TryGetValue("org", out var org) && route.TryGetValue("model", out var model))
        {
            var (o, m) = ((string)org!, (string)model!);
            return (await cache.ByNameAsync(db, o, m, ct), $"{o}/{m}", null);
        }
        if (route.TryGetValue("id", out var rawId))
        {
            var id = int.TryParse(rawId as string, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            return id < 1 ? (null, "", "'id' must be a whole number from 1.") : (await cache.ByIdAsync(db, id, ct), $"with id {id}", null);
        }
        var query = http.Request.Query;
        if (query["organization_name"].ToString() is { Length: > 0 } queryOrg && query["model_name"].ToString() is { Length: > 0 } queryModel)
        {
            return (await cache.ByNameAsync(db, queryOrg, queryModel, ct), $"{queryOrg}/{queryModel}", null);
        }
        return (null, "", "The query parameters 'organization_name' and 'model_name' are required.");
    }

    /// <summary>What the endpoint does, from its summary: "Ban a user … (moderators)." → "ban a user …".</summary>
    private static string Doing(HttpContext http)
    {
        var summary = http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IEndpointSummaryMetadata>()?.Summary;
        if (string.IsNullOrEmpty(summary))
        {
            return "do this";
        }
        var cut = summary.LastIndexOf(" (", StringComparison.Ordinal) is > 0 and var i ? summary[..i] : summary.TrimEnd('.');
        return char.ToLowerInvariant(cut[0]) + cut[1..];
    }

    /// <summary>The reference server's words; a stranger is not told whether the experiment exists.</summary>
    private static string ReferenceOwnersOnly(Experiment? experiment) => experiment is null
        ? "You need to be an admin of the organization to manage the collaborative experiment for the model"
        : $"You need to be an admin of the organization {experiment.OrganizationName} to manage the collaborative experiment for the model {experiment.ModelName}";
}

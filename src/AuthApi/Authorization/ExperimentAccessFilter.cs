using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Moderation.AuthApi.Bans;
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

    private static async Task<IResult?> CheckAsync(HttpContext http)
    {
        var rule = http.GetEndpoint()?.Metadata.GetMetadata<AccessRule>()
                   ?? throw new InvalidOperationException("An experiment filter without an access rule.");
        var services = http.RequestServices;
        var context = services.GetRequiredService<ExperimentContext>();
        var (experiment, name, malformed) = await LocateAsync(http, services);
        if (malformed is not null)
        {
            return rule.Reference
                ? ReferenceProblems.Unprocessable(http, malformed)
                : TypedResults.Problem(malformed.Msg, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid");
        }
        if (experiment is null)
        {
            return !rule.Reference ? Problems.NotFound($"There is no experiment {name}.")
                : rule.MinimumRole == ExperimentRole.Owner ? Problems.ReferenceRefusal(ReferenceOwnersOnly)
                : Problems.ReferenceRefusal($"There is no collaborative experiment {name}.");
        }
        var caller = services.GetRequiredService<Caller>();
        var (role, banned) = caller.Kind == CallerKind.User ? await RoleAsync(services, experiment, caller, http.RequestAborted) : (ExperimentRole.None, false);
        var refusal = (caller.Kind, rule.Audience) switch
        {
            (CallerKind.User, Audience.ExperimentMembers) when role < rule.MinimumRole => rule.Reference
                ? ReferenceOwnersOnly
                : banned
                    ? $"You are banned from {experiment.OrganizationName}/{experiment.ModelName}: a ban takes away every power in its scope until someone else lifts it."
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

    private static async Task<(Experiment? Experiment, string Name, ReferenceFieldError? Malformed)> LocateAsync(HttpContext http, IServiceProvider services)
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
            // As FastAPI reads an int: any whole number (an unknown one finds nothing); ge=1 only where the reference declares it.
            var text = rawId as string ?? "";
            var digits = text.StartsWith('-') ? text[1..] : text;
            if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
            {
                return (null, "", new ReferenceFieldError(["path", "id"], "value is not a valid integer", ReferenceProblems.NotAnInteger));
            }
            var positive = !text.StartsWith('-') && digits.Any(d => d != '0');
            if (!positive && !HttpMethods.IsGet(http.Request.Method))
            {
                return (null, "", new ReferenceFieldError(["path", "id"], "ensure this value is greater than or equal to 1", ReferenceProblems.NotGreaterOrEqual));
            }
            var id = positive && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            return (id > 0 ? await cache.ByIdAsync(db, id, ct) : null, $"with id {text}", null);
        }
        // Present but empty is a name like any other, which no experiment has; absent is missing.
        var query = http.Request.Query;
        foreach (var parameter in new[] { "organization_name", "model_name" })
        {
            if (!query.ContainsKey(parameter))
            {
                return (null, "", new ReferenceFieldError(["query", parameter], "field required", ReferenceProblems.Missing));
            }
        }
        var (queryOrg, queryModel) = (query["organization_name"].ToString(), query["model_name"].ToString());
        return (queryOrg.Length > 0 && queryModel.Length > 0 ? await cache.ByNameAsync(db, queryOrg, queryModel, ct) : null, $"{queryOrg}/{queryModel}", null);
    }

    /// <summary>
    /// The caller's role, and whether a ban took it away; bans are read only for those who have a role to lose (the
    /// rest hold no power here anyway).
    /// </summary>
    private static async Task<(ExperimentRole Role, bool Banned)> RoleAsync(IServiceProvider services, Experiment experiment, Caller caller, CancellationToken ct)
    {
        var roles = services.GetRequiredService<ExperimentRoles>();
        var unbanned = roles.RoleIn(experiment, caller, BanStanding.Clear);
        if (unbanned == ExperimentRole.None || caller.IsGlobalAdmin)
        {
            return (unbanned, false);
        }
        var bans = await BanStanding.LoadAsync(services.GetRequiredService<ModerationDb>(), caller.User.Id,
            services.GetRequiredService<TimeProvider>().GetUtcNow(), ct);
        var role = roles.RoleIn(experiment, caller, bans);
        return (role, role < unbanned);
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

    /// <summary>
    /// The reference server's words, the same whether the experiment exists or not: naming the organization and model of
    /// an existing id (as the reference server does) would tell a stranger which ids exist and what they are.
    /// </summary>
    private const string ReferenceOwnersOnly = "You need to be an admin of the organization to manage the collaborative experiment for the model";
}

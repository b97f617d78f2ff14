using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Moderation.AuthApi.Authorization;
using Moderation.AuthApi.Data;
using Moderation.AuthApi.Infrastructure;
using Moderation.AuthApi.Keys;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.AuthApi.Join;

/// <summary>
/// <c>POST /api/v1/tokens/introspect</c> (RFC 7662 shape) for peers that prefer asking to verifying offline: the same
/// checks as the Contracts verifier, plus revocations and bans known to the server right now.
/// </summary>
public static class IntrospectionEndpoints
{
    public static IEndpointRouteBuilder MapIntrospection(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/tokens/introspect", Introspect).ForAnyone().WithTags("Join").Validate<IntrospectionRequest>()
            .WithName("IntrospectToken").WithSummary("Is this peer token (JWT or hivemind_access) active right now? Anyone may ask.");
        return app;
    }

    private static async Task<IntrospectionResponse> Introspect(
        IntrospectionRequest request, HttpRequest http, ModerationDb db, PeerTokenInspector inspector, IOptions<TokenOptions> options,
        CancellationToken ct)
    {
        var jwt = request.Token is not null ? PeerJwt.Read(request.Token) : null;
        var audience = request.Token is not null ? jwt?.Claims.Audience : $"{request.OrganizationName}/{request.ModelName}";
        if (audience?.Split('/') is not [var org, var model])
        {
            return Inactive("The token is not a well-formed PS256 JWT.");
        }
        var experiment = await db.Experiments.AsNoTracking().FirstOrDefaultAsync(e => e.OrganizationName == org && e.ModelName == model, ct);
        if (experiment is null)
        {
            return Inactive($"There is no experiment {audience}.");
        }

        var result = await inspector.InspectAsync(db, experiment, options.Value.PublicOrigin(http), jwt, request.HivemindAccess, ct);
        if (!result.IsValid)
        {
            return Inactive(result.Reason!);
        }
        return new IntrospectionResponse(true, result.Username, result.ExpiresAt?.ToUnixTimeSeconds(), audience, result.TokenId,
            result.PeerKeyFingerprint);
    }

    private static IntrospectionResponse Inactive(string reason) => new(false, Reason: reason);
}

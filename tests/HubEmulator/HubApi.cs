namespace Moderation.HubEmulator;

public static class HubApi
{
    /// <summary>The Hub API calls this project uses, answered as huggingface.co answers them.</summary>
    public static void MapHubApi(this WebApplication app)
    {
        app.MapGet("/api/whoami-v2", (HttpContext context, HubState state) =>
        {
            state.CountWhoAmI();
            var token = BearerToken(context);
            // HF answers user access tokens and OAuth access tokens (of any app) here alike: for an OAuth token it says
            // neither which app it was issued to nor its scopes. Organizations only with read-memberships, as at userinfo.
            var grant = OAuthTokens.Find(state, token);
            var user = grant?.User ?? (token is null ? null : state.FindByUserAccessToken(token));
            if (user is null)
            {
                return Results.Json(new { error = "Invalid credentials in Authorization header" }, statusCode: 401);
            }
            var orgs = grant is null || grant.Scope.Split(' ').Contains("read-memberships") ? user.Orgs : [];
            var origin = Origin(context);
            return Results.Json(new
            {
                type = "user",
                id = user.Id,
                name = user.Name,
                fullname = user.Fullname,
                email = user.Email,
                emailVerified = user.EmailVerified,
                isPro = user.IsPro,
                avatarUrl = $"{origin}/avatars/{user.Name}.svg",
                orgs = orgs.Select(o => new
                {
                    type = "org", id = o.Id, name = o.Name, fullname = o.Fullname, roleInOrg = o.RoleInOrg,
                    avatarUrl = $"{origin}/avatars/{o.Name}.svg",
                }),
                auth = grant is null ? new { type = "access_token", accessToken = new { displayName = "dev", role = "read" } } : null,
            });
        });
        // Branches, as huggingface_hub.create_branch / delete_branch call them.
        app.MapPost("/api/models/{owner}/{name}/branch/{branch}", async (string owner, string name, string branch, HttpContext context, HubState state) =>
        {
            if (Unauthorized(context, state) is { } refusal)
            {
                return refusal;
            }
            if (!await state.PassBranchGateAsync(context.RequestAborted))
            {
                return Results.Empty;
            }
            if (state.TakeBranchFailure())
            {
                return Results.Json(new { error = "Internal Error - We're working hard to fix this as soon as possible!" }, statusCode: 500);
            }
            var body = await context.Request.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            var revision = body.TryGetProperty("startingPoint", out var start) ? start.GetString() : null;
            if (string.IsNullOrEmpty(revision))
            {
                return Results.Json(new { error = "startingPoint is required" }, statusCode: 400);
            }
            if (!state.HasRevision($"{owner}/{name}", revision))
            {
                return Results.Json(new { error = $"Invalid rev id: {revision}" }, statusCode: 400);
            }
            var key = $"{owner}/{name}@{branch}";
            // The Hub's overwrite: create the branch, or move it if it exists, in one call.
            if (body.TryGetProperty("overwrite", out var overwrite) && overwrite.ValueKind == System.Text.Json.JsonValueKind.True)
            {
                state.Branches[key] = revision;
                state.CountBranchCreation();
                return Results.Ok();
            }
            if (state.Branches.TryAdd(key, revision))
            {
                state.CountBranchCreation();
                return Results.Ok();
            }
            return Results.Json(new { error = $"Reference already exists: refs/heads/{branch}" }, statusCode: 409);
        });
        app.MapDelete("/api/models/{owner}/{name}/branch/{branch}", (string owner, string name, string branch, HttpContext context, HubState state) =>
        {
            if (Unauthorized(context, state) is { } refusal)
            {
                return refusal;
            }
            if (state.TakeBranchFailure())
            {
                return Results.Json(new { error = "Internal Error" }, statusCode: 500);
            }
            state.CountBranchDeletion();
            return state.Branches.TryRemove($"{owner}/{name}@{branch}", out _)
                ? Results.Ok()
                : Results.Json(new { error = "Branch not found" }, statusCode: 404);
        });
        app.MapGet("/api/models/{owner}/{name}/revision/{revision}", (string owner, string name, string revision, HubState state) =>
            state.HasRevision($"{owner}/{name}", revision)
                ? Results.Json(new { id = $"{owner}/{name}", sha = revision })
                : Results.Json(new { error = $"Invalid rev id: {revision}" }, statusCode: 404));
        app.MapGet("/api/users/{name}/overview", (string name, HttpContext context, HubState state) =>
            state.CountUserLookup() && state.FailUserLookups
                ? Results.Json(new { error = "Internal Error" }, statusCode: 500)
                : state.FindUser(name) is { } user
                ? Results.Json(new
                {
                    _id = user.Id, user = user.Name, fullname = user.Fullname, type = "user", isPro = user.IsPro,
                    avatarUrl = $"{Origin(context)}/avatars/{user.Name}.svg",
                })
                : Results.Json(new { error = "User not found" }, statusCode: 404));
    }

    private static IResult? Unauthorized(HttpContext context, HubState state) =>
        BearerToken(context) is { } token && state.FindByUserAccessToken(token) is not null
            ? null
            : Results.Json(new { error = "Invalid credentials in Authorization header" }, statusCode: 401);

    public static string? BearerToken(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static string Origin(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";
}

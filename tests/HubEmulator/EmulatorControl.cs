namespace Moderation.HubEmulator;

public static class EmulatorControl
{
    /// <summary><c>/_emulator/…</c>: flip the outage switch and read counters. Not part of the real Hub.</summary>
    public static void MapEmulatorControl(this WebApplication app)
    {
        app.MapPost("/_emulator/mode/{mode}", (string mode, HubState state) =>
        {
            if (!Enum.TryParse<HubMode>(mode, ignoreCase: true, out var parsed))
            {
                return Results.Problem($"Unknown mode '{mode}': use normal, unavailable or hang.", statusCode: 400);
            }
            state.Mode = parsed;
            return Results.Ok(new { mode = parsed.ToString().ToLowerInvariant() });
        });
        app.MapPost("/_emulator/fail-branch-calls/{count:int}", (int count, HubState state) =>
        {
            state.FailNextBranchCalls(count);
            return Results.Ok(new { failing = count });
        });
        app.MapGet("/_emulator/branches", (HubState state) => state.Branches);
        // What an OAuth app gets at the end of a sign-in (code flow skipped): tests play a third-party app holding a token.
        app.MapPost("/_emulator/oauth-tokens", (OAuthTokenOrder order, HttpContext context, HubState state, SigningKey key, List<OAuthClient> clients) =>
            state.FindUser(order.Username) is not { } user ? Results.NotFound()
            : clients.All(c => c.ClientId != order.ClientId) ? Results.Problem($"Unknown client {order.ClientId}.", statusCode: 400)
            : Results.Ok(OAuthTokens.Issue(state, key, HubApi.Origin(context), order.ClientId, user, order.Scope, null)));
        app.MapPost("/_emulator/users", (HubUser user, HubState state) =>
            state.AddUser(user) ? Results.Ok(user) : Results.Problem($"A user {user.Name} or {user.Id} exists.", statusCode: 409));
        app.MapPost("/_emulator/users/{name}/rename/{newName}", (string name, string newName, HubState state) =>
            state.Rename(name, newName) is { } renamed ? Results.Ok(renamed) : Results.Problem($"Cannot rename {name} to {newName}.", statusCode: 409));
        app.MapPost("/_emulator/users/{name}/orgs/{org}/{role}", (string name, string org, string role, HubState state) =>
            state.SetOrgRole(name, org, role == "none" ? null : role) is { } changed ? Results.Ok(changed) : Results.NotFound());
        app.MapPost("/_emulator/repos/{owner}/{name}/revisions/{revision}", (string owner, string name, string revision, HubState state) =>
        {
            state.AddRevision($"{owner}/{name}", revision);
            return Results.Ok();
        });
        app.MapGet("/_emulator/stats", (HubState state) => new
        {
            mode = state.Mode.ToString().ToLowerInvariant(), whoami_calls = state.WhoAmICalls, api_calls = state.ApiCalls,
            branch_creations = state.BranchCreations,
        });
        // Hold branch creations until released, to catch a rollback mid-way (as a crash or a slow Hub would).
        app.MapPost("/_emulator/branch-calls/hold", (HubState state) =>
        {
            state.HoldBranchCalls();
            return Results.Ok(new { held = true });
        });
        app.MapPost("/_emulator/branch-calls/release", (HubState state) =>
        {
            state.ReleaseBranchCalls();
            return Results.Ok(new { held = false });
        });
        app.MapGet("/avatars/{name}.svg", (string name) =>
        {
            var letter = name.Length > 0 ? char.ToUpperInvariant(name[0]) : '?';
            var hue = Math.Abs(name.GetHashCode(StringComparison.Ordinal)) % 360;
            var svg = $"<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><rect width='64' height='64' rx='32' fill='hsl({hue},60%,55%)'/>" +
                      $"<text x='32' y='42' font-size='30' text-anchor='middle' fill='white' font-family='sans-serif'>{letter}</text></svg>";
            return Results.Text(svg, "image/svg+xml");
        });
    }
}

public sealed record OAuthTokenOrder(string Username, string ClientId, string Scope);

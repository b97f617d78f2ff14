using Microsoft.AspNetCore.OpenApi;
using Moderation.AuthApi.Authorization;
using Scalar.AspNetCore;

namespace Moderation.AuthApi.Pages;

/// <summary>
/// The API reference at <c>/docs</c>: the OpenAPI document rendered by Scalar, opening with an introduction to this API
/// (who calls it, how to authenticate, what errors look like) and without the vendor's own buttons (client download,
/// SDK generation, AI chat, developer toolbar) or telemetry.
/// </summary>
public static class ApiReference
{
    public const string Title = "Moderation API";

    public const string Introduction = """
        Authentication and moderation for collaborative (volunteer) training with hivemind. **Peers** exchange their
        owner's Hugging Face token for a short-lived peer token and check each other offline; **moderators** screen,
        ban, revoke and roll back; **auxiliary peers** register checkpoints and report contributions.

        ## Who calls what

        | Caller | Sends | For |
        | --- | --- | --- |
        | A person or a peer | `Authorization: Bearer hf_…` (a Hugging Face user access token or OAuth access token) | joining, asking to join, moderating, owning experiments |
        | An auxiliary peer | `Authorization: Bearer msk_…` (a service key an owner made, with scopes) | checkpoints, contribution reports |
        | A peer reporting itself | `Authorization: DPoP <peer token>` and a `DPoP` proof signed by the peer's own key | contribution reports |
        | Anyone | nothing | public keys (`/jwks`), revocation lists, current checkpoint, public leaderboards |

        Each operation below says who may call it. Moderators of one experiment have no power over another.

        ## Conventions

        - Native endpoints are under `/api/v1`, JSON in `snake_case`. The reference server's endpoints
          (`/api/experiments/…`) keep its exact shapes, so existing hivemind training code works by changing the URL.
        - Every refusal is an RFC 7807 problem (`application/problem+json`) with a `detail` that says what is wrong;
          field errors are under `errors`, by field name. Bad input is a 4xx and changes nothing.
        - Too many requests: `429` with `Retry-After`. Hugging Face slow or down: `503` with `Retry-After` (never `401`).
        - Lists are paged with `page` and `page_size` and answer their `total`.

        The public pages: [the home page](/), each experiment's leaderboard at `/leaderboard/{org}/{model}`; the
        machine-readable document: [`/openapi/v1.json`](/openapi/v1.json).
        """;

    public static OpenApiOptions AddIntroduction(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Info.Title = Title;
        document.Info.Description = Introduction;
        return Task.CompletedTask;
    });

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder app)
    {
        app.MapScalarApiReference("/docs", o =>
        {
            o.DisableDefaultFonts();
            o.Title = Title;
            o.HideClientButton = true;
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.Agent = new ScalarAgentOptions { Disabled = true };
            o.Mcp = new ScalarMcpOptions { Disabled = true };
            o.Telemetry = false;
        }).ForAnyone();
        return app;
    }
}

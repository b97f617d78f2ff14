using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Service keys for auxiliary peers. Creating one redirects to a page that shows its secret once (see <see cref="ServiceKeySecretModel"/>).</summary>
public sealed class ServiceKeysModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public const string NewKey = "new-service-key";

    public override string Tab => "service-keys";
    protected override ExperimentRole RequiredRole => ExperimentRole.Owner;

    public IReadOnlyList<ServiceKeyResponse> Keys { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            Keys = await ReadListAsync<List<ServiceKeyResponse>>(ApiPathOf("service-keys"), [], ct);
        }
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string[]? scopes, CancellationToken ct)
    {
        var result = await Api.SendAsync<ServiceKeyResponse>(HttpMethod.Post, ApiPathOf("service-keys"), new CreateServiceKeyRequest(name, scopes ?? []), ct);
        if (result.Problem is { } problem)
        {
            return Refused("create", problem);
        }
        // The secret travels to the next GET in TempData (encrypted, read once), so reloading that page creates nothing.
        TempData[NewKey] = JsonSerializer.Serialize(result.Value);
        return LocalRedirect(Link("service-keys/new"));
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"revoke:{id}", "revoke the key")
            : Done($"revoke:{id}", await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf("service-keys", id.ToString()), null, ct),
                "The key was revoked: it is refused from now on.");
}

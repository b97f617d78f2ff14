using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class ServiceKeysModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public IReadOnlyList<ServiceKeyResponse> Keys { get; private set; } = [];

    /// <summary>The secret of the key just created: rendered once, never stored here.</summary>
    public string? NewSecret { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(string name, string[]? scopes, CancellationToken ct)
    {
        var result = await Api.SendAsync<ServiceKeyResponse>(HttpMethod.Post, ApiPath("service-keys"), new CreateServiceKeyRequest(name, scopes ?? []), ct);
        await LoadAsync(ct);
        NewSecret = result.Value?.Secret;
        Problem = result.Problem ?? Problem;
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("revoke a key")
            : Done(await Api.SendAsync<object>(HttpMethod.Delete, ApiPath($"service-keys/{id}"), null, ct), "The key was revoked.");

    private async Task LoadAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<List<ServiceKeyResponse>>(ApiPath("service-keys"), ct);
            Keys = result.Value ?? [];
            Problem ??= result.Problem;
        }
    }
}

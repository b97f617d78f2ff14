using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Shows what a rollback would change, and starts it once confirmed.</summary>
public sealed class RollbackModel(AuthApiClient api) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public long CheckpointId { get; set; }

    public RollbackPreview? Preview { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<RollbackPreview>(ApiPath($"rollbacks/preview?checkpointId={CheckpointId}"), ct);
            Preview = result.Value;
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostAsync(string? reason, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes")
        {
            return NeedsConfirmation("roll back");
        }
        var result = await Api.SendAsync<RollbackResponse>(HttpMethod.Post, ApiPath("rollbacks"), new CreateRollbackRequest(CheckpointId, reason), ct);
        if (result.Value is { } rollback)
        {
            return Redirect($"/experiments/{Uri.EscapeDataString(Org)}/{Uri.EscapeDataString(Model)}/rollbacks/{rollback.Id}");
        }
        TempData["Problem"] = result.Problem;
        return RedirectToPage();
    }
}

using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Shows what a rollback would change, and starts it once confirmed.</summary>
public sealed class RollbackModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "checkpoints";

    [BindProperty(SupportsGet = true)]
    public long CheckpointId { get; set; }

    public RollbackPreview? Preview { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            var result = await Api.GetAsync<RollbackPreview>(ApiPathOf("rollbacks", "preview").Query("checkpointId", CheckpointId), ct);
            Preview = result.Value;
            ListProblem = result.Problem?.Detail;
        }
    }

    public async Task<IActionResult> OnPostAsync(string? reason, string? confirm, CancellationToken ct)
    {
        if (confirm != "yes")
        {
            return NeedsConfirmation("rollback", "roll back");
        }
        var result = await Api.SendAsync<RollbackResponse>(HttpMethod.Post, ApiPathOf("rollbacks"), new CreateRollbackRequest(CheckpointId, reason), ct);
        if (result.Problem is { } problem)
        {
            return Refused("rollback", problem);
        }
        Notice = $"Rollback {result.Value!.Id} to step {result.Value.Step} started.";
        return LocalRedirect(Link($"rollbacks/{result.Value.Id}"));
    }
}

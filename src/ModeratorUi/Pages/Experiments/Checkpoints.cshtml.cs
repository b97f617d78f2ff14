using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class CheckpointsModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public Paged<CheckpointResponse> Checkpoints { get; private set; } = new([], 1, 50, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<Paged<CheckpointResponse>>(ApiPath("checkpoints?page_size=100"), ct);
            Checkpoints = result.Value ?? Checkpoints;
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostQuarantineAsync(long id, string? reason, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("quarantine a checkpoint")
            : Done(await Api.SendAsync<CheckpointResponse>(HttpMethod.Post, ApiPath($"checkpoints/{id}/quarantine"), new QuarantineRequest(reason), ct),
                "The checkpoint is quarantined: it will not be offered as current.");
}

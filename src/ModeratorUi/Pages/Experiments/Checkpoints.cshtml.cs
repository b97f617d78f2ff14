using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class CheckpointsModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "checkpoints";

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<CheckpointResponse> Checkpoints { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);
    public CheckpointResponse? Current { get; private set; }

    /// <summary>A rollback target: available, and older than the current checkpoint (rolling back to the current one changes nothing).</summary>
    public bool CanRollBackTo(CheckpointResponse c) => c.Status == "active" && Current is { } current && c.Id != current.Id && c.Step <= current.Step;

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            Current = await CurrentCheckpointAsync(ct);
            Checkpoints = await ReadListAsync(ApiPathOf("checkpoints").Query("page", Paging.Clamp(PageNumber)).Query("page_size", Paging.DefaultPageSize), Checkpoints, ct);
        }
    }

    public async Task<IActionResult> OnPostQuarantineAsync(long id, string? reason, string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation($"quarantine:{id}", "quarantine the checkpoint")
            : Done($"quarantine:{id}", await Api.SendAsync<CheckpointResponse>(HttpMethod.Post, ApiPathOf("checkpoints", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "quarantine"),
                new QuarantineRequest(reason), ct), "The checkpoint is quarantined: it will not be offered as current.");
}

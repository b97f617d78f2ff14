using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class RollbackStatusModel(AuthApiClient api) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public RollbackResponse? Rollback { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<RollbackResponse>(ApiPath($"rollbacks/{Id}"), ct);
            Rollback = result.Value;
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct) =>
        Done(await Api.SendAsync<RollbackResponse>(HttpMethod.Post, ApiPath($"rollbacks/{Id}/retry"), null, ct), "The rollback was started again.");
}

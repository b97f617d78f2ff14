using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Rollback history, newest first, each linking to its status page.</summary>
public sealed class RollbacksModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "rollbacks";

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<RollbackResponse> Rollbacks { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            // The API answers the newest 200: paged here.
            Rollbacks = Paging.Slice(await ReadListAsync<List<RollbackResponse>>(ApiPathOf("rollbacks"), [], ct), PageNumber);
        }
    }
}

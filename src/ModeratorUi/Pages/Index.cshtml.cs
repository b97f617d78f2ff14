using Microsoft.AspNetCore.Mvc.RazorPages;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages;

public sealed class IndexModel(AuthApiClient api) : PageModel
{
    public MeResponse? Me { get; private set; }
    public IReadOnlyList<ExperimentResponse> Experiments { get; private set; } = [];
    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        var me = await api.GetMeAsync(ct);
        if (!me.Ok)
        {
            Problem = me.Problem;
            return;
        }
        Me = me.Value;
        var experiments = await api.ListExperimentsAsync(ct);
        Experiments = experiments.Value?.Items ?? [];
        Problem = experiments.Problem;
    }
}

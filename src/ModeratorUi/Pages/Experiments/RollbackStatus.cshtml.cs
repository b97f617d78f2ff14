using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Checkpoints;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class RollbackStatusModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "rollbacks";

    [BindProperty(SupportsGet = true)]
    public long Id { get; set; }

    public RollbackResponse? Rollback { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            var result = await Api.GetAsync<RollbackResponse>(ApiPathOf("rollbacks", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ct);
            Rollback = result.Value;
            ListProblem = result.Problem?.Detail;
        }
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct) =>
        Done("retry", await Api.SendAsync<RollbackResponse>(HttpMethod.Post, ApiPathOf("rollbacks", Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "retry"), null, ct),
            "The rollback was started again.");
}

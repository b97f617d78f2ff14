using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Forms;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages;

public sealed class IndexModel(AuthApiClient api) : ConsolePageModel
{
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public MeResponse? Me { get; private set; }
    public ExperimentPage Experiments { get; private set; } = new([], 1, 50, 0);
    public string? Problem { get; private set; }

    /// <summary>Where the user stands in each experiment they take part in without a role (admitted, pending, …), by experiment.</summary>
    public IReadOnlyDictionary<string, MembershipResponse> Memberships { get; private set; } = new Dictionary<string, MembershipResponse>();

    public static string Key(ExperimentResponse e) => $"{e.OrganizationName}/{e.ModelName}";

    /// <summary>Global admins and admins of an HF org may create experiments (for that org).</summary>
    public bool CanCreate => Me is { } me && (me.IsGlobalAdmin || me.Orgs.Any(o => o.RoleInOrg == "admin"));

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return;
        }
        var me = await api.GetMeAsync(ct);
        if (me.Problem is { } problem)
        {
            Problem = problem.Detail;
            return;
        }
        Me = me.Value;
        var experiments = await api.ListExperimentsAsync(Paging.Clamp(PageNumber), ct);
        Experiments = experiments.Value ?? Experiments;
        Problem = experiments.Problem?.Detail;
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, MembershipResponse>();
        await Parallel.ForEachAsync(Experiments.Items.Where(e => e.YourRole == ExperimentRole.None),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (e, token) =>
            {
                var membership = await api.GetAsync<MembershipResponse>(Contracts.Client.ApiPath.Experiment(e.OrganizationName, e.ModelName, "membership"), token);
                if (membership.Value is { } m)
                {
                    found[Key(e)] = m;
                }
            });
        Memberships = found;
    }
}

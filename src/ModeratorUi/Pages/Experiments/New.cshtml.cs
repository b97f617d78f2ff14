using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Forms;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Creating an experiment: global admins for any organization, organization admins for theirs.</summary>
public sealed class NewModel(AuthApiClient api) : ConsolePageModel
{
    public MeResponse? Me { get; private set; }
    public string? Problem { get; private set; }

    /// <summary>The organizations the caller administers (a global admin may also type another).</summary>
    public IReadOnlyList<string> AdminOrgs => Me?.Orgs.Where(o => o.RoleInOrg == "admin").Select(o => o.Name).ToList() ?? [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var me = await api.GetMeAsync(ct);
        Me = me.Value;
        Problem = me.Problem?.Detail;
    }

    public async Task<IActionResult> OnPostAsync(
        [FromForm(Name = "organization_name")] string? org, [FromForm(Name = "model_name")] string? model,
        [FromForm(Name = "access_policy")] string? accessPolicy, [FromForm(Name = "token_lifetime_minutes")] string? tokenLifetime,
        [FromForm(Name = "leaderboard_visible")] string? leaderboardVisible, CancellationToken ct)
    {
        const string Form = "create";
        if (!SettingsModel.TryWholeNumber(tokenLifetime, out var minutes))
        {
            return Refused(Form, "'token_lifetime_minutes' must be a whole number of minutes.", "token_lifetime_minutes");
        }
        var policy = SettingsModel.Policies.Cast<AccessPolicy?>().FirstOrDefault(p => SettingsModel.Wire(p!.Value) == accessPolicy);
        var request = new CreateExperimentRequest(org?.Trim(), model?.Trim(), null, null, policy, minutes, leaderboardVisible != "moderators");
        var result = await api.SendAsync<ExperimentResponse>(HttpMethod.Post, Moderation.Contracts.Client.ApiPath.Of("api", "v1", "experiments"), request, ct);
        if (result.Problem is { } problem)
        {
            return Refused(Form, problem);
        }
        Notice = $"{result.Value!.OrganizationName}/{result.Value.ModelName} was created. Invite participants and set it up here.";
        return LocalRedirect(ConsoleLinks.Experiment(result.Value.OrganizationName, result.Value.ModelName, "settings"));
    }
}

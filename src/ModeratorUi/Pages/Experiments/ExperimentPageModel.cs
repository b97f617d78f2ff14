using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Moderation.Contracts.Experiments;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Common ground of the pages of one experiment: its name from the route, the API client, and what to tell the user.</summary>
public abstract class ExperimentPageModel(AuthApiClient api) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Org { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string Model { get; set; } = "";

    public string Name => $"{Org}/{Model}";

    public ExperimentResponse? Experiment { get; private set; }

    /// <summary>What the API refused, in its own words.</summary>
    public string? Problem { get; set; }

    /// <summary>What the last action did, shown once after the redirect.</summary>
    [TempData]
    public string? Notice { get; set; }

    public bool CanModerate => Experiment?.YourRole is ExperimentRole.Moderator or ExperimentRole.Owner;

    protected AuthApiClient Api => api;

    protected string ApiPath(string rest) =>
        $"api/v1/experiments/{Uri.EscapeDataString(Org)}/{Uri.EscapeDataString(Model)}{(rest.Length > 0 ? "/" + rest : "")}";

    /// <summary>Loads the experiment (and the caller's role in it); false with <see cref="Problem"/> set when that fails.</summary>
    protected async Task<bool> LoadExperimentAsync(CancellationToken ct)
    {
        var result = await api.GetAsync<ExperimentResponse>(ApiPath(""), ct);
        Experiment = result.Value;
        Problem = result.Problem;
        return result.Ok;
    }

    /// <summary>After a POST: show the outcome, then return to this page (post/redirect/get).</summary>
    protected IActionResult Done<T>(ApiResult<T> result, string notice)
    {
        if (result.Ok)
        {
            Notice = notice;
        }
        else
        {
            TempData["Problem"] = result.Problem;
        }
        return RedirectToPage();
    }

    /// <summary>A destructive action posted without its confirmation tick: nothing is sent, the user is told why.</summary>
    protected IActionResult NeedsConfirmation(string action)
    {
        TempData["Problem"] = $"Tick 'confirm' to {action}.";
        return RedirectToPage();
    }

    public override void OnPageHandlerExecuting(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context)
    {
        Problem ??= TempData["Problem"] as string;
        base.OnPageHandlerExecuting(context);
    }
}

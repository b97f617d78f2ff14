using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Moderation.Contracts.Client;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Forms;

/// <summary>
/// Every page of the console: each form post ends in a redirect back to the page it came from (post/redirect/get).
/// A success leaves a <see cref="Notice"/>; a refusal leaves a <see cref="FormOutcome"/> naming the form, the API's
/// problem and what was typed, so the page shows the problem beside that form and fills it in again.
/// </summary>
public abstract class ConsolePageModel : PageModel
{
    public const string ReturnField = "return_to";
    private const string OutcomeKey = "form-outcome";

    /// <summary>
    /// The most a refusal may weigh, as TempData stores it (JSON in JSON, non-ASCII escaped): it travels in the TempData
    /// cookie, so it must stay far below what browsers and balancers accept in headers (HAProxy: 16 KB in all).
    /// Anything that grows with the input (an import's report) is kept in the database instead.
    /// </summary>
    public const int MaxOutcomeBytes = 4000;

    private static readonly HashSet<string> NotKept = new(StringComparer.OrdinalIgnoreCase) { "__RequestVerificationToken", ReturnField, "confirm" };

    /// <summary>What the last action did, shown once after the redirect.</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The refused form post this page was redirected from, if any.</summary>
    public FormOutcome? Outcome { get; private set; }

    /// <summary>Why the API refused the form <paramref name="form"/> (null unless it was the one just posted).</summary>
    public ApiProblem? ProblemFor(string form) => Outcome?.Form == form ? Outcome.Problem : null;

    /// <summary>What was typed into <paramref name="field"/> of <paramref name="form"/> when it was refused.</summary>
    public string? Typed(string form, string field) => Outcome?.Form == form ? Outcome.Values.GetValueOrDefault(field) : null;

    /// <summary>Whether the refused form <paramref name="form"/> had <paramref name="value"/> among the values of <paramref name="field"/>.</summary>
    public bool WasTyped(string form, string field, string value) =>
        Typed(form, field)?.Split('\n').Contains(value, StringComparer.Ordinal) == true;

    /// <summary>The page being rendered, also from a partial view (whose own model is something else).</summary>
    public static ConsolePageModel? Of(Microsoft.AspNetCore.Mvc.Rendering.ViewContext view) =>
        view.ViewData.Model as ConsolePageModel ?? view.HttpContext.Items[typeof(ConsolePageModel)] as ConsolePageModel;

    public override void OnPageHandlerExecuting(PageHandlerExecutingContext context)
    {
        HttpContext.Items[typeof(ConsolePageModel)] = this;
        if (TempData[OutcomeKey] is string json)
        {
            Outcome = JsonSerializer.Deserialize<FormOutcome>(json);
        }
        base.OnPageHandlerExecuting(context);
    }

    /// <summary>
    /// After an action: the notice on success, else the problem beside <paramref name="form"/>; back to the page either
    /// way. A refusal that names no field is shown under <paramref name="field"/> too (marked invalid) when given.
    /// </summary>
    protected IActionResult Done<T>(string form, ApiResult<T> result, string notice, string? field = null) =>
        result.Problem is { } problem ? Refused(form, OnField(problem, field)) : Succeeded(notice);

    /// <summary>A refusal that names no field, attached to <paramref name="field"/> (the one field it can be about).</summary>
    protected static ApiProblem OnField(ApiProblem problem, string? field) =>
        field is null || problem.Errors.Count > 0 ? problem : problem with { Errors = new Dictionary<string, string[]> { [field] = [problem.Detail] } };

    protected IActionResult Succeeded(string notice)
    {
        Notice = notice;
        return Back();
    }

    /// <summary>Shows <paramref name="problem"/> beside <paramref name="form"/> after the redirect, with what was typed.</summary>
    protected IActionResult Refused(string form, ApiProblem problem)
    {
        var values = Request.HasFormContentType
            ? Request.Form.Where(f => !NotKept.Contains(f.Key)).ToDictionary(f => f.Key, f => string.Join('\n', f.Value.OfType<string>()))
            : [];
        TempData[OutcomeKey] = Kept(new FormOutcome(form, Friendly.Problem(problem), values));
        return Back();
    }

    /// <summary>The refusal as stored, within <see cref="MaxOutcomeBytes"/>: the longest typed values are dropped first, then field errors.</summary>
    private static string Kept(FormOutcome outcome)
    {
        static int Weight(string json) => JsonSerializer.Serialize(json).Length;
        var json = JsonSerializer.Serialize(outcome);
        if (Weight(json) <= MaxOutcomeBytes)
        {
            return json;
        }
        var values = new Dictionary<string, string>(outcome.Values);
        var problem = outcome.Problem with { Detail = Clip(outcome.Problem.Detail) + " (What you typed was too long to keep here: paste it again.)" };
        foreach (var longest in outcome.Values.OrderByDescending(v => v.Value.Length).Select(v => v.Key))
        {
            values.Remove(longest);
            json = JsonSerializer.Serialize(outcome with { Problem = problem, Values = values });
            if (Weight(json) <= MaxOutcomeBytes)
            {
                return json;
            }
        }
        return JsonSerializer.Serialize(outcome with { Problem = problem with { Errors = new Dictionary<string, string[]>() }, Values = [] });
    }

    private static string Clip(string text) => text.Length <= 500 ? text : text[..500] + "…";

    /// <summary>A problem found here, before anything was sent to the API.</summary>
    protected IActionResult Refused(string form, string detail, string? field = null) =>
        Refused(form, field is null
            ? ApiProblem.Of(StatusCodes.Status400BadRequest, detail)
            : new ApiProblem(StatusCodes.Status400BadRequest, detail, new Dictionary<string, string[]> { [field] = [detail] }));

    /// <summary>A destructive action posted without its confirmation tick: nothing is sent, the user is told why.</summary>
    protected IActionResult NeedsConfirmation(string form, string action) => Refused(form, $"Tick the confirmation box to {action}.", "confirm");

    /// <summary>Back to the page (with its query) the form was on, which the form carries in <see cref="ReturnField"/>.</summary>
    protected IActionResult Back()
    {
        var target = Request.HasFormContentType ? Request.Form[ReturnField].ToString() : "";
        return LocalRedirect(ConsoleLinks.Local(target) ?? Request.Path.ToString());
    }
}

using Microsoft.AspNetCore.Mvc;
using Moderation.ModeratorUi.Forms;

namespace Moderation.ModeratorUi.Pages.Account;

/// <summary>Where a signed-in person lands when a page is not for them (the jobs dashboard): what it is, who may open it, and where to go instead.</summary>
public sealed class DeniedModel : ConsolePageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool WasJobs => ReturnUrl is { } url && (url == Jobs.JobsDashboard.Path || url.StartsWith(Jobs.JobsDashboard.Path + "/", StringComparison.Ordinal));

    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}

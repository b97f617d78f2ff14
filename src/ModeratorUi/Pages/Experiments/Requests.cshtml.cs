using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class RequestsModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public static readonly string[] Statuses = ["pending", "approved", "rejected", "all"];

    public override string Tab => "requests";

    [BindProperty(SupportsGet = true)]
    public string Status { get; set; } = "pending";

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<JoinRequestResponse> Requests { get; private set; } = new([], 1, 20, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!Statuses.Contains(Status))
        {
            Status = "pending";
        }
        if (await LoadAsync(ct))
        {
            // The API answers the whole queue (at most 500): paged here, oldest first.
            var all = await ReadListAsync<List<JoinRequestResponse>>(ApiPathOf("join-requests").Query("status", Status), [], ct);
            Requests = Paging.Slice(all, PageNumber, pageSize: 20);
        }
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, string? username, CancellationToken ct)
    {
        var result = await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPathOf("join-requests", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "approve"),
            new DecideJoinRequestRequest(), ct);
        if (result.Status == StatusCodes.Status409Conflict && await DecidedAsync(id, ct) is { Status: "approved" } decided)
        {
            // Someone approved it meanwhile (or it was added to the allowlist): what was asked is done, nothing is wrong.
            return Succeeded($"{decided.Username} was already approved by {decided.DecidedBy}: nothing changed.");
        }
        return Done($"decide:{id}", result, $"Approved {result.Value?.Username}: they are on the allowlist.");
    }

    /// <summary>The request as it is now, decided or not.</summary>
    private async Task<JoinRequestResponse?> DecidedAsync(long id, CancellationToken ct) =>
        (await Api.GetAsync<List<JoinRequestResponse>>(ApiPathOf("join-requests").Query("status", "all"), ct)).Value?.FirstOrDefault(r => r.Id == id);

    public async Task<IActionResult> OnPostRejectAsync(long id, string? reason, CancellationToken ct)
    {
        var result = await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPathOf("join-requests", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "reject"),
            new DecideJoinRequestRequest(reason), ct);
        return Done($"decide:{id}", result, $"Rejected {result.Value?.Username}; they see your reason.");
    }
}

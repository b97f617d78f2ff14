using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class RequestsModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public IReadOnlyList<JoinRequestResponse> Requests { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var result = await Api.GetAsync<List<JoinRequestResponse>>(ApiPath("join-requests"), ct);
            Requests = result.Value ?? [];
            Problem ??= result.Problem;
        }
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, CancellationToken ct)
    {
        var result = await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPath($"join-requests/{id}/approve"), new DecideJoinRequestRequest(), ct);
        return Done(result, $"Approved {result.Value?.Username}: they are on the allowlist.");
    }

    public async Task<IActionResult> OnPostRejectAsync(long id, string? reason, CancellationToken ct)
    {
        var result = await Api.SendAsync<JoinRequestResponse>(HttpMethod.Post, ApiPath($"join-requests/{id}/reject"), new DecideJoinRequestRequest(reason), ct);
        return Done(result, $"Rejected {result.Value?.Username}.");
    }
}

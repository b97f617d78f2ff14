using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class AuditModel(AuthApiClient api) : ExperimentPageModel(api)
{
    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<AuditEntryResponse> Entries { get; private set; } = new([], 1, 50, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadExperimentAsync(ct))
        {
            var query = $"audit?page={Math.Max(PageNumber, 1)}"
                        + (string.IsNullOrWhiteSpace(Actor) ? "" : $"&actor={Uri.EscapeDataString(Actor)}")
                        + (string.IsNullOrWhiteSpace(Action) ? "" : $"&action={Uri.EscapeDataString(Action)}");
            var result = await Api.GetAsync<Paged<AuditEntryResponse>>(ApiPath(query), ct);
            Entries = result.Value ?? Entries;
            Problem ??= result.Problem;
        }
    }
}

using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Lists;

namespace Moderation.ModeratorUi.Pages.Experiments;

public sealed class AuditModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public override string Tab => "audit";

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public Paged<AuditEntryResponse> Entries { get; private set; } = new([], 1, Paging.DefaultPageSize, 0);

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            Entries = await ReadListAsync(ApiPathOf("audit").Query("page", Paging.Clamp(PageNumber)).Query("page_size", Paging.DefaultPageSize)
                .Query("actor", Actor?.Trim()).Query("action", Action).Query("target", Target?.Trim()), Entries, ct);
        }
    }
}

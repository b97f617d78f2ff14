using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Client;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.ModeratorUi.Api;
using Moderation.ModeratorUi.Forms;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// Common ground of the pages of one experiment: its name from the route, the caller's role in it, the API client, and
/// the refusal shown instead of the page when the experiment cannot be loaded or the caller may not see this page.
/// </summary>
public abstract class ExperimentPageModel(AuthApiClient api) : ConsolePageModel
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string Org { get; set; } = "";

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string Model { get; set; } = "";

    public string Name => $"{Org}/{Model}";

    public ExperimentResponse? Experiment { get; private set; }

    /// <summary>Why the page is not shown: the API's refusal, or a role this page needs. When set, the page shows only this.</summary>
    public string? Refusal { get; private set; }

    /// <summary>A list the page could not read, in the API's words (the rest of the page still works).</summary>
    public string? ListProblem { get; protected set; }

    /// <summary>Join requests waiting for a decision (moderators only).</summary>
    public int? PendingRequests { get; private set; }

    /// <summary>The tab this page is, for <c>aria-current</c>.</summary>
    public abstract string Tab { get; }

    /// <summary>Who may see this page; most are for moderators.</summary>
    protected virtual ExperimentRole RequiredRole => ExperimentRole.Moderator;

    public ExperimentRole Role => Experiment?.YourRole ?? ExperimentRole.None;
    public bool CanModerate => Role is ExperimentRole.Moderator or ExperimentRole.Owner;
    public bool IsOwner => Role == ExperimentRole.Owner;

    protected AuthApiClient Api => api;

    /// <summary>An AuthApi path under this experiment; unsafe names are refused when sent (see <see cref="ApiPath"/>).</summary>
    protected ApiPath ApiPathOf(params string[] rest) => ApiPath.Experiment(Org, Model, rest);

    /// <summary>A page of this experiment in the console, e.g. <c>Link("bans")</c>.</summary>
    public string Link(string? page = null) => ConsoleLinks.Experiment(Org, Model, page);

    /// <summary>Loads the experiment and checks the caller's role; false (with <see cref="Refusal"/>) when the page must not be shown.</summary>
    protected async Task<bool> LoadAsync(CancellationToken ct)
    {
        var result = await api.GetAsync<ExperimentResponse>(ApiPathOf(), ct);
        if (result.Problem is { } problem)
        {
            Refusal = problem.Detail;
            return false;
        }
        Experiment = result.Value;
        if (Role < RequiredRole)
        {
            Refusal = RequiredRole == ExperimentRole.Owner
                ? $"Only owners of {Name} may see this page."
                : $"Only moderators and owners of {Name} may see this page.";
            return false;
        }
        if (CanModerate)
        {
            var pending = await api.GetAsync<List<JoinRequestResponse>>(ApiPathOf("join-requests").Query("status", "pending"), ct);
            PendingRequests = pending.Value?.Count;
        }
        return true;
    }

    /// <summary>The page that bans <paramref name="username"/> and/or revokes a peer key, with the reason and evidence filled in.</summary>
    public string ActLink(string username, string? fingerprint = null, string? reason = null, string? evidence = null) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(Link("act"), new Dictionary<string, string?>
        {
            ["username"] = username, ["fingerprint"] = fingerprint, ["reason"] = reason, ["evidence"] = evidence,
        }.Where(p => p.Value is not null));

    /// <summary>Bans a user from this experiment (which also revokes their live tokens).</summary>
    protected Task<ApiResult<BanResponse>> BanAsync(string username, string? reason, string? evidence, DateTime? untilUtc, CancellationToken ct) =>
        api.SendAsync<BanResponse>(HttpMethod.Post, ApiPathOf("bans"), new CreateBanRequest(username.Trim(), reason,
            string.IsNullOrWhiteSpace(evidence) ? null : evidence,
            untilUtc is { } until ? new DateTimeOffset(DateTime.SpecifyKind(until, DateTimeKind.Utc)) : null), ct);

    /// <summary>Revokes one peer key (its tokens now, and the key from then on) without banning its owner.</summary>
    protected Task<ApiResult<RevokePeerResponse>> RevokePeerAsync(string fingerprint, string? reason, CancellationToken ct) =>
        api.SendAsync<RevokePeerResponse>(HttpMethod.Post, ApiPathOf("peers", fingerprint.Trim(), "revoke"), new RevokePeerRequest(reason), ct);

    /// <summary>The checkpoint peers load now: the newest by step that is neither quarantined nor superseded.</summary>
    protected async Task<CheckpointResponse?> CurrentCheckpointAsync(CancellationToken ct)
    {
        var newest = await ReadListAsync(ApiPathOf("checkpoints").Query("page_size", ModerationLimits.MaxPageSize),
            new Paged<CheckpointResponse>([], 1, ModerationLimits.MaxPageSize, 0), ct);
        return newest.Items.FirstOrDefault(c => c.Status == "active");
    }

    /// <summary>Reads a list for the page; on refusal keeps <paramref name="empty"/> and sets <see cref="ListProblem"/>.</summary>
    protected async Task<T> ReadListAsync<T>(ApiPath path, T empty, CancellationToken ct)
    {
        var result = await api.GetAsync<T>(path, ct);
        ListProblem ??= result.Problem?.Detail;
        return result.Value ?? empty;
    }
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Join;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>Owners' settings: who may join, token lifetime, leaderboard visibility, coordinator, training run (script link, initial peers), moderators, signing key, deletion.</summary>
public sealed class SettingsModel(AuthApiClient api) : ExperimentPageModel(api)
{
    public static readonly AccessPolicy[] Policies = [AccessPolicy.OrgMembers, AccessPolicy.Allowlist, AccessPolicy.Open];

    public override string Tab => "settings";
    protected override ExperimentRole RequiredRole => ExperimentRole.Owner;

    public IReadOnlyList<ModeratorResponse> Members { get; private set; } = [];

    /// <summary>The published signing keys, the one that signs first.</summary>
    public IReadOnlyList<SigningKeyResponse> Keys { get; private set; } = [];

    /// <summary>The signed-in user, when they own the experiment as an admin of its organization rather than by a grant.</summary>
    public string? OwnerViaOrganization { get; private set; }

    public static string Wire(AccessPolicy policy) => JsonNamingPolicy.SnakeCaseLower.ConvertName(policy.ToString());

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct))
        {
            Members = await ReadListAsync<List<ModeratorResponse>>(ApiPathOf("moderators"), [], ct);
            Keys = (await ReadListAsync<List<SigningKeyResponse>>(ApiPathOf("keys"), [], ct)).OrderByDescending(k => k.Signing).ToList();
            var me = (await Api.GetMeAsync(ct)).Value;
            if (me?.Orgs.Any(o => o.RoleInOrg == "admin" && string.Equals(o.Name, Experiment!.OrganizationName, StringComparison.OrdinalIgnoreCase)) == true
                && !Members.Any(m => m.Role == ExperimentRole.Owner && string.Equals(m.Username, me.Username, StringComparison.OrdinalIgnoreCase)))
            {
                OwnerViaOrganization = me.Username;
            }
        }
    }

    public async Task<IActionResult> OnPostSaveAsync(
        [FromForm(Name = "access_policy")] string? accessPolicy, [FromForm(Name = "token_lifetime_minutes")] string? tokenLifetime,
        [FromForm(Name = "leaderboard_visible")] string? leaderboardVisible, [FromForm(Name = "coordinator_ip")] string? coordinatorIp,
        [FromForm(Name = "coordinator_port")] string? coordinatorPort, [FromForm(Name = "max_peer_keys_per_user")] string? maxPeerKeys,
        CancellationToken ct)
    {
        const string Form = "settings";
        var policy = Policies.Cast<AccessPolicy?>().FirstOrDefault(p => Wire(p!.Value) == accessPolicy);
        if (!TryWholeNumber(tokenLifetime, out var minutes) || minutes is < ExperimentLimits.MinTokenLifetimeMinutes or > ExperimentLimits.MaxTokenLifetimeMinutes)
        {
            return Refused(Form, $"The peer token lifetime must be a whole number of minutes from {ExperimentLimits.MinTokenLifetimeMinutes} to " +
                $"{Words.Number(ExperimentLimits.MaxTokenLifetimeMinutes)} (7 days).", "token_lifetime_minutes");
        }
        if (!TryWholeNumber(coordinatorPort, out var port) || port is < 1 or > 65535)
        {
            return Refused(Form, "The coordinator port must be a port number, 1 to 65535.", "coordinator_port");
        }
        if (!TryWholeNumber(maxPeerKeys, out var keys) || keys is < 1 or > ExperimentLimits.MaxMaxPeerKeysPerUser)
        {
            return Refused(Form, $"Peer keys per user must be a whole number from 1 to {Words.Number(ExperimentLimits.MaxMaxPeerKeysPerUser)}.", "max_peer_keys_per_user");
        }
        var request = new UpdateExperimentRequest(string.IsNullOrWhiteSpace(coordinatorIp) ? null : coordinatorIp.Trim(), port, policy, minutes,
            leaderboardVisible switch { "public" => true, "moderators" => false, _ => null }, MaxPeerKeysPerUser: keys);
        return Done(Form, await Api.SendAsync<ExperimentResponse>(HttpMethod.Patch, ApiPathOf(), request, ct), "Settings saved.");
    }

    /// <summary>The allowed checkpoint repositories, one per line; an empty list leaves only the organization's own.</summary>
    public async Task<IActionResult> OnPostRepositoriesAsync([FromForm(Name = "allowed_checkpoint_repositories")] string? repositories, CancellationToken ct)
    {
        var list = (repositories ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return Done("repositories", await Api.SendAsync<ExperimentResponse>(HttpMethod.Patch, ApiPathOf(), new UpdateExperimentRequest(AllowedCheckpointRepositories: list), ct),
            list.Count == 0 ? $"Checkpoints may name repositories of {Org} only." : $"Checkpoints may name repositories of {Org} and {Words.Plural(list.Count, "other repository", "other repositories")}.");
    }

    /// <summary>The training script link and the initial peers (one multiaddr per line) the quick start shows admitted participants.</summary>
    public async Task<IActionResult> OnPostTrainingAsync(
        [FromForm(Name = "training_script_url")] string? scriptUrl, [FromForm(Name = "initial_peers")] string? initialPeers, CancellationToken ct)
    {
        var peers = (initialPeers ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var request = new UpdateExperimentRequest(InitialPeers: peers, TrainingScriptUrl: scriptUrl?.Trim() ?? "");
        return Done("training", await Api.SendAsync<ExperimentResponse>(HttpMethod.Patch, ApiPathOf(), request, ct),
            $"The quick start now shows {(string.IsNullOrWhiteSpace(scriptUrl) ? "no training script link" : "the training script link")} and {Words.Plural(peers.Count, "initial peer", "initial peers")} typed here.");
    }

    /// <summary>Grants a moderator, or an owner by an explicit, revocable grant.</summary>
    public async Task<IActionResult> OnPostGrantAsync(string? username, string? role, CancellationToken ct)
    {
        var owner = role == "owner";
        var name = username?.Trim() ?? "";
        return Done("grant", await Api.SendAsync<ModeratorResponse>(HttpMethod.Put, ApiPathOf(owner ? "owners" : "moderators", name), null, ct),
            $"{name} is {(owner ? "an owner" : "a moderator")} of {Name}.");
    }

    public async Task<IActionResult> OnPostRemoveGrantAsync(string username, string? role, string? confirm, CancellationToken ct)
    {
        var owner = role == "owner";
        return confirm != "yes"
            ? NeedsConfirmation($"remove:{username}", $"remove {username}")
            : Done($"remove:{username}", await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf(owner ? "owners" : "moderators", username), null, ct),
                $"{username} is no longer {(owner ? "an owner by grant" : "a moderator")}.");
    }

    public async Task<IActionResult> OnPostRotateAsync(string? confirm, CancellationToken ct) =>
        confirm != "yes"
            ? NeedsConfirmation("rotate", "rotate the signing key")
            : Done("rotate", await Api.SendAsync<JsonElement>(HttpMethod.Post, ApiPathOf("keys", "rotate"), null, ct),
                "A new signing key is in use; the old one stays published until its last token expires.");

    public async Task<IActionResult> OnPostDeleteAsync(string? confirmName, CancellationToken ct)
    {
        if (!string.Equals(confirmName?.Trim(), Name, StringComparison.Ordinal))
        {
            return Refused("delete", $"Type {Name} exactly to delete it.", "confirmName");
        }
        var result = await Api.SendAsync<object>(HttpMethod.Delete, ApiPathOf(), null, ct);
        if (result.Problem is { } problem)
        {
            return Refused("delete", problem);
        }
        Notice = $"{Name} was deleted with its checkpoints, rollbacks, service keys and signing keys.";
        return LocalRedirect("/");
    }

    /// <summary>A whole number typed into a field, or null when it was left empty; false when it is not a number.</summary>
    public static bool TryWholeNumber(string? text, out int? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }
        return false;
    }
}

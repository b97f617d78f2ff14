using System.Text.Json;
using Microsoft.Extensions.Options;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.ModeratorUi.Api;

namespace Moderation.ModeratorUi.Pages.Experiments;

/// <summary>
/// The secret of the key just created, read once from TempData: a reload shows that it is gone, and nothing on this
/// page can create another key.
/// </summary>
public sealed class ServiceKeySecretModel(AuthApiClient api, IOptions<AuthApiOptions> apiOptions) : ExperimentPageModel(api)
{
    public override string Tab => "service-keys";
    protected override ExperimentRole RequiredRole => ExperimentRole.Owner;

    public ServiceKeyResponse? Key { get; private set; }

    /// <summary>How an auxiliary peer uses the key, for the scopes it has.</summary>
    public string Usage(ServiceKeyResponse key)
    {
        var api = $"{apiOptions.Value.PublicBase}/{Moderation.Contracts.Client.ApiPath.Experiment(Org, Model).Value}";
        var text = new System.Text.StringBuilder();
        if (key.Scopes.Contains("checkpoints:write"))
        {
            text.Append($$"""
                # register a checkpoint the auxiliary peer pushed to the Hub
                curl -X POST {{api}}/checkpoints \
                  -H "Authorization: Bearer $MODERATION_SERVICE_KEY" -H "Content-Type: application/json" \
                  -d '{"step": 1200, "repository": "{{Org}}/{{Model}}", "revision": "<40-hex commit id>", "loss": 2.31, "created_at": "2025-01-01T12:00:00Z"}'


                """);
        }
        if (key.Scopes.Contains("contributions:write"))
        {
            text.Append($$"""
                # report what each peer did at a step (hivemind's LocalMetrics)
                curl -X POST {{api}}/contributions \
                  -H "Authorization: Bearer $MODERATION_SERVICE_KEY" -H "Content-Type: application/json" \
                  -d '{"reports": [{"peer_public_key": "<fingerprint or ssh-rsa key>", "step": 1200, "samples": 4096, "samples_per_second": 51.2, "mini_steps": 4, "loss": 2.31, "time": 1735732800.0}]}'
                """);
        }
        if (key.Scopes.Contains("initial_peers:write"))
        {
            text.Append($$"""


                # publish this auxiliary peer's addresses as the run's initial peers (what hivemind prints for --initial_peers)
                curl -X PUT {{api}}/initial-peers \
                  -H "Authorization: Bearer $MODERATION_SERVICE_KEY" -H "Content-Type: application/json" \
                  -d '{"multiaddrs": ["/ip4/<public address>/tcp/31337/p2p/<peer id>"]}'
                """);
        }
        var server = apiOptions.Value.PublicBase;
        text.Append($$"""


            # or in Python, with this server's package (pip install "{{server}}{{QuickStart.PackagePath}}"):
            import os
            from moderation_hivemind import ContributionReporter
            aux = ContributionReporter("{{server}}", "{{Org}}", "{{Model}}", os.environ["MODERATION_SERVICE_KEY"])
            """);
        if (key.Scopes.Contains("contributions:write"))
        {
            text.Append("\naux.add_metrics(dht.get(run_id + \"_metrics\", latest=True).value); aux.flush()   # hivemind's LocalMetrics of every peer");
        }
        if (key.Scopes.Contains("checkpoints:write"))
        {
            text.Append($"\naux.register_checkpoint(\"{Org}/{Model}\", revision, step, loss)   # after pushing a checkpoint to the Hub");
        }
        if (key.Scopes.Contains("initial_peers:write"))
        {
            text.Append("\naux.publish_initial_peers(dht.get_visible_maddrs())   # this peer's multiaddrs, as initial peers of the run");
        }
        return text.ToString().TrimEnd();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (TempData[ServiceKeysModel.NewKey] is string json)
        {
            Key = JsonSerializer.Deserialize<ServiceKeyResponse>(json);
        }
        await LoadAsync(ct);
    }
}

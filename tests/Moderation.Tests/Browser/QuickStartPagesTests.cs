using Microsoft.Playwright;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.InitialPeers;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>
/// The training run as its owner describes it in Settings (script link, initial peers) and as an admitted participant's
/// quick start shows it: everything needed to start a peer, and nothing of it for anyone else.
/// </summary>
[Collection(LiveSystem.Collection)]
public sealed class QuickStartPagesTests(LiveSystem system)
{
    private const string PeerId = "QmTfeRJ2yafKRE1qpR5Ga3dJw2qTG7VPmXz5ooJ2K8AwBz";
    private const string Typed = "/dns4/peers.example.org/tcp/31337/p2p/" + PeerId;
    private const string Published = "/ip4/203.0.113.7/tcp/31337/p2p/" + PeerId;
    private const string Script = "https://github.com/example/dalle-run";

    [Fact]
    public async Task TheQuickStartHoldsEverythingToStartAPeerForAnAdmittedParticipantOnly()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var name = experiment.ModelName;
        var api = $"/api/v1/experiments/demo-org/{name}";

        // The owner describes the run in Settings; a malformed multiaddr comes back beside the field, what was typed kept.
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{name}/settings");
        await alice.GetByLabel("Training repository or script").FillAsync(Script);
        await alice.GetByLabel("Initial peers").FillAsync($"{Typed}\n/ip4/203.0.113.7/tcp/31337");
        await alice.GetByTestId("save-training").ClickAsync();
        await Assertions.Expect(alice.AlertFor("training")).ToContainTextAsync("'initial_peers[1]' (/ip4/203.0.113.7/tcp/31337) is not a multiaddr");
        await Assertions.Expect(alice.GetByLabel("Initial peers")).ToHaveValueAsync($"{Typed}\n/ip4/203.0.113.7/tcp/31337");
        await Assertions.Expect(alice.GetByLabel("Initial peers")).ToHaveAttributeAsync("aria-invalid", "true");
        await alice.GetByLabel("Initial peers").FillAsync(Typed);
        await alice.GetByTestId("save-training").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("the training script link and 1 initial peer");
        // The run's auxiliary peer publishes its own address with a service key.
        var key = await (await system.Api.ClientFor("alice").PostWireAsync($"{api}/service-keys", new CreateServiceKeyRequest("aux", ["initial_peers:write"])))
            .ReadAsync<ServiceKeyResponse>(System.Net.HttpStatusCode.Created);
        await (await system.Api.ClientWithToken(key.Secret!).PutAsJsonWireAsync($"{api}/initial-peers", new PublishInitialPeersRequest([Published])))
            .ReadAsync<PublishedInitialPeersResponse>();
        await alice.ReloadAsync();
        await Assertions.Expect(alice.GetByTestId("published-initial-peers")).ToContainTextAsync(Published);
        await alice.AssertAccessibleAsync();

        // Not admitted yet: no quick start, and nothing of the run's addresses or code anywhere on the page.
        var carol = await system.SignedInPageAsync("carol");
        await carol.GotoAsync($"/experiments/demo-org/{name}");
        await Assertions.Expect(carol.GetByTestId("membership-status")).ToHaveTextAsync("not requested");
        await Assertions.Expect(carol.GetByTestId("quick-start")).ToHaveCountAsync(0);
        Assert.DoesNotContain(PeerId, await carol.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Script, await carol.ContentAsync(), StringComparison.Ordinal);

        await system.Api.AllowlistAsync(experiment, "carol");
        await carol.ReloadAsync();
        var quickStart = carol.GetByTestId("quick-start");
        await Assertions.Expect(quickStart.GetByTestId("training-script-link")).ToHaveAttributeAsync("href", Script);
        await Assertions.Expect(quickStart.GetByTestId("initial-peers").Locator("li")).ToHaveTextAsync([Typed, Published]);
        await Assertions.Expect(quickStart.GetByTestId("install-snippet"))
            .ToHaveTextAsync($"pip install \"{system.ApiUrl}/downloads/moderation-hivemind.zip\"");
        var snippet = quickStart.GetByTestId("authorizer-snippet");
        await Assertions.Expect(snippet).ToContainTextAsync("from moderation_hivemind import authorize_with_huggingface");
        await Assertions.Expect(snippet).ToContainTextAsync(
            $"authorize_with_huggingface(server_url=\"{system.ApiUrl}\", organization_name=\"demo-org\", model_name=\"{name}\")");
        var start = quickStart.GetByTestId("start-snippet");
        await Assertions.Expect(start).ToContainTextAsync($"--initial_peers {Typed}");
        await Assertions.Expect(start).ToContainTextAsync(Published);
        await Assertions.Expect(quickStart).ToContainTextAsync("huggingface-cli login");
        await carol.AssertAccessibleAsync();
        await carol.SetViewportSizeAsync(1100, 1200);
        await carol.ScreenshotAsync("participant-quick-start");

        // Banned: the quick start and the addresses are gone again.
        await system.Api.BanAsync(experiment, "carol", "sent NaN gradients");
        await carol.ReloadAsync();
        await Assertions.Expect(carol.GetByTestId("membership-status")).ToHaveTextAsync("banned");
        Assert.DoesNotContain(PeerId, await carol.ContentAsync(), StringComparison.Ordinal);
    }
}

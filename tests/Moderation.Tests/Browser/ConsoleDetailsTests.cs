using System.Net;
using Microsoft.Playwright;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>Small things that cost a moderator or a volunteer time: where they stand, no-ops said calmly, what owns what.</summary>
[Collection(LiveSystem.Collection)]
public sealed class ConsoleDetailsTests(LiveSystem system)
{
    [Fact]
    public async Task AParticipantSeesTheirStatusAtHomeAndARequestApprovedMeanwhileIsSaidCalmly()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var path = $"/experiments/demo-org/{experiment.ModelName}";
        var volunteer = system.Api.NewUser("volunteer");
        var request = await (await system.Api.ClientFor(volunteer.Name).PostWireAsync($"{api}/join-requests", new CreateJoinRequestRequest("   ")))
            .ReadAsync<JoinRequestResponse>(HttpStatusCode.Created);

        var participant = await system.SignedInPageAsync(volunteer.Name);
        await Assertions.Expect(participant.GetByTestId($"you-{experiment.ModelName}")).ToHaveTextAsync("pending");

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/requests");
        var card = alice.GetByTestId($"request-{volunteer.Name}");
        // A message of blanks is no message: no empty quote.
        await Assertions.Expect(card.Locator("blockquote")).ToHaveCountAsync(0);
        // Another moderator approves meanwhile; approving again is a no-op, said as such, by name, not as an error.
        await (await system.Api.ClientFor("root").PostWireAsync($"{api}/join-requests/{request.Id}/approve", new DecideJoinRequestRequest()))
            .ReadAsync<JoinRequestResponse>();
        await alice.GetByTestId($"approve-{volunteer.Name}").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToHaveTextAsync($"{volunteer.Name} was already approved by root: nothing changed.");
        await Assertions.Expect(alice.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByTestId("notice")).Not.ToContainTextAsync($"request {request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        await participant.ReloadAsync();
        await Assertions.Expect(participant.GetByTestId($"you-{experiment.ModelName}")).ToHaveTextAsync("admitted");
        await Assertions.Expect(participant.GetByTestId("pager-summary")).Not.ToContainTextAsync("1 experiments");
        await participant.AssertAccessibleAsync();
    }

    [Fact]
    public async Task SettingsShowTheSigningKeyWithItsAgeAndTheOwnersByOrganization()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        await system.Api.JoinAsync(api, "alice"); // the first join makes the first key
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/settings");

        var keys = await (await system.Api.ClientFor("alice").GetAsync($"{api}/keys")).ReadAsync<List<Moderation.Contracts.Join.SigningKeyResponse>>();
        var signing = Assert.Single(keys);
        var card = alice.GetByTestId("signing-key");
        await Assertions.Expect(card).ToContainTextAsync(signing.Kid);
        await Assertions.Expect(card).ToContainTextAsync(new System.Text.RegularExpressions.Regex("just now|minutes? ago"));
        // alice owns it as an admin of demo-org: listed as such, with every other admin of the organization.
        await Assertions.Expect(alice.GetByTestId("owner-via-org")).ToContainTextAsync("owner via demo-org");
        await Assertions.Expect(alice.GetByTestId("owner-via-org")).ToContainTextAsync("alice");
        await Assertions.Expect(alice.GetByTestId("owners-via-org")).ToContainTextAsync("every admin of demo-org");

        await alice.GetByLabel("I understand peers re-join after a rotation").CheckAsync();
        await alice.GetByRole(AriaRole.Button, new() { Name = "Rotate the signing key" }).ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("A new signing key is in use");
        await Assertions.Expect(card).Not.ToContainTextAsync($"Signing key {signing.Kid}");
        await Assertions.Expect(card).ToContainTextAsync($"Retired {signing.Kid}");
        await alice.AssertAccessibleAsync();
    }
}

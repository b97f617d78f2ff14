using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

/// <summary>Settings shows every explicit grant for what it is: who gave it, and that one given to oneself carries no power.</summary>
[Collection(LiveSystem.Collection)]
public sealed class GrantPagesTests(LiveSystem system)
{
    [Fact]
    public async Task AGrantItsHolderGaveThemselvesIsShownAsCarryingNoPower()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var api = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        Assert.Equal(System.Net.HttpStatusCode.Created, (await system.Api.ClientFor("alice").PutAsync($"{api}/owners/bob", null)).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await system.Api.ClientFor("alice").PutAsync($"{api}/moderators/carol", null)).StatusCode);
        // carol's grant as if she had made it herself, as an owner could before such grants were refused.
        await system.Api.QueryDbAsync(db => db.ExperimentMembers.Where(m => m.ExperimentId == experiment.Id && m.User!.Username == "carol")
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, ExperimentRole.Owner).SetProperty(m => m.GrantedById, m => m.UserId).SetProperty(m => m.GrantedBy, "carol")));

        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/settings");
        var grants = alice.GetByTestId("moderators");
        await Assertions.Expect(grants.Locator("tr", new() { HasText = "carol" }).GetByTestId("self-granted")).ToContainTextAsync("no power");
        await Assertions.Expect(grants.Locator("tr", new() { HasText = "bob" }).GetByTestId("self-granted")).ToHaveCountAsync(0);
        await Assertions.Expect(alice.GetByText("a grant someone gave themselves carries no power")).ToBeVisibleAsync();
    }
}

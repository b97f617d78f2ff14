using Microsoft.Playwright;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Browser;

// Browser tests run one class at a time, all on one running system (see BrowserTestGroup).
[Collection(LiveSystem.Collection)]
public sealed class ModerationPagesTests(LiveSystem system)
{
    [Fact]
    public async Task ParticipantRequestsAccessAndAModeratorApprovesBansAndReadsTheAuditLog()
    {
        var experiment = await system.Api.CreateExperimentAsync(policy: Moderation.Contracts.Experiments.AccessPolicy.Allowlist);
        var path = $"/experiments/demo-org/{experiment.ModelName}";

        // mallory asks to join and sees her request pending.
        var mallory = await system.SignedInPageAsync("mallory");
        await mallory.GotoAsync(path);
        await Assertions.Expect(mallory.GetByTestId("membership-status")).ToHaveTextAsync("not requested");
        await mallory.GetByRole(AriaRole.Textbox, new() { Name = "Message to the moderators" }).FillAsync("<b>I have 2 GPUs</b>");
        await mallory.GetByTestId("request-access").ClickAsync();
        await Assertions.Expect(mallory.GetByTestId("notice")).ToContainTextAsync("sent to the moderators");
        await Assertions.Expect(mallory.GetByTestId("membership-status")).ToHaveTextAsync("pending");

        // alice screens the queue (the message is shown as text, not markup) and approves in one click.
        var alice = await system.SignedInPageAsync("alice");
        await alice.GotoAsync($"{path}/requests");
        var card = alice.GetByTestId("request-mallory");
        await Assertions.Expect(card).ToContainTextAsync("<b>I have 2 GPUs</b>");
        await Assertions.Expect(card).ToContainTextAsync("email not verified");
        await alice.GetByTestId("approve-mallory").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("Approved mallory");
        await Assertions.Expect(alice.GetByTestId("no-requests")).ToBeVisibleAsync();

        await mallory.ReloadAsync();
        await Assertions.Expect(mallory.GetByTestId("membership-status")).ToHaveTextAsync("admitted");

        // alice bans bob with a reason, confirming, and finds it in the audit log.
        await alice.GotoAsync($"{path}/bans");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Username to ban" }).FillAsync("bob");
        await alice.GetByRole(AriaRole.Textbox, new() { Name = "Reason", Exact = true }).FillAsync("sent NaN gradients");
        await alice.GetByRole(AriaRole.Checkbox, new() { Name = "I confirm this ban" }).CheckAsync();
        await alice.GetByTestId("ban").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("notice")).ToContainTextAsync("bob is banned");
        await Assertions.Expect(alice.GetByTestId("bans")).ToContainTextAsync("sent NaN gradients");

        await alice.GotoAsync($"{path}/audit");
        var banRow = alice.GetByTestId("audit").GetByRole(AriaRole.Row).Filter(new() { HasText = "ban.created" });
        await Assertions.Expect(banRow).ToContainTextAsync("sent NaN gradients");
        await Assertions.Expect(banRow).ToContainTextAsync("alice");
        await Assertions.Expect(alice.GetByTestId("audit")).ToContainTextAsync("join_request.approved");
    }

    [Fact]
    public async Task ParticipantsDoNotSeeModerationPages()
    {
        var experiment = await system.Api.CreateExperimentAsync();
        var bob = await system.SignedInPageAsync("bob");
        await bob.GotoAsync($"/experiments/demo-org/{experiment.ModelName}/bans");
        await Assertions.Expect(bob.GetByTestId("problem")).ToContainTextAsync("Only moderators and owners");
        await Assertions.Expect(bob.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToHaveCountAsync(0);
    }
}

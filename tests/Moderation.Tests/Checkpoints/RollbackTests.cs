using System.Net;
using Microsoft.AspNetCore.Hosting;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Client;
using Moderation.Contracts.Contributions;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

/// <summary>Rollbacks against the Hub store: the emulator records the branch each rollback moves.</summary>
// With the browser tests, one class at a time: background jobs on a loaded two-core machine are slow enough already.
[Collection(LiveSystem.Collection)]
public sealed class RollbackTests(RollbackTests.Instance api) : IClassFixture<RollbackTests.Instance>
{
    public sealed class Instance : HubStoreFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Checkpoints:RetryDelaysMilliseconds:0", "200");
            builder.UseSetting("Checkpoints:RetryDelaysMilliseconds:1", "400");
            // Two workers, so two rollbacks can really start at once and only the experiment lock keeps them apart.
            builder.UseSetting("Hangfire:WorkerCount", "2");
        }
    }

    [Fact]
    public async Task RollbackMovesTheBranchSupersedesLaterCheckpointsAndSignsTheNewCurrent()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200, 300);
        var url = $"/api/v1/experiments/demo-org/{name}";

        var preview = await (await api.ClientFor("alice").GetAsync($"{url}/rollbacks/preview?checkpointId={ids[100]}")).ReadAsync<RollbackPreview>();
        Assert.Equal([200L, 300L], preview.Superseded.Select(c => c.Step));

        var accepted = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[100], "divergence after step 150")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        Assert.Equal("pending", accepted.Status);
        var done = await api.WaitForRollbackAsync(name, accepted.Id);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(2, done.SupersededCheckpoints);

        Assert.Equal(Revision(100), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
        var list = await (await api.ClientFor("alice").GetAsync($"{url}/checkpoints")).ReadAsync<Paged<CheckpointResponse>>();
        Assert.Equal(["superseded", "superseded", "active"], list.Items.Select(c => c.Status));
        using var keys = ExperimentKeySet.FromJwks(await new ModerationClient(api.CreateClient()).GetJwksAsync("demo-org", name));
        var (current, _) = await CurrentCheckpoint.VerifyAsync(await api.CreateClient().GetStringAsync($"{url}/checkpoints/current"), keys, $"demo-org/{name}");
        Assert.Equal(100, current!.Step);
        Assert.Equal(accepted.Id, current.RollbackId);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Contains(audit.Items, a => a.Action == "rollback.succeeded");
        Assert.Contains(audit.Items, a => a.Action == "rollback.requested" && a.Reason == "divergence after step 150");
    }

    [Fact]
    public async Task HubFailingTwiceThenSucceedingIsRetriedWithAttemptsRecorded()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(10, 20);
        api.Hub.State.FailNextBranchCalls(2);
        var accepted = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/rollbacks", new CreateRollbackRequest(ids[10], "bad data")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var done = await api.WaitForRollbackAsync(name, accepted.Id);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(3, done.Attempts);
        // The failures of the first two attempts are history once it succeeded; the audit entry keeps the last one.
        Assert.Null(done.LastError);
        var audit = await (await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{name}/audit")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Contains("500", audit.Items.Single(a => a.Action == "rollback.succeeded").After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubThatKeepsFailingLeavesAFailedRollbackThatIsRetriedByHand()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(1, 2);
        var url = $"/api/v1/experiments/demo-org/{name}";
        api.Hub.State.FailNextBranchCalls(1000);
        try
        {
            var accepted = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[1], "bad data")))
                .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
            var failed = await api.WaitForRollbackAsync(name, accepted.Id);
            Assert.Equal("failed", failed.Status);
            Assert.Equal(3, failed.Attempts);
            Assert.Contains("The Hub answered 500", failed.LastError, StringComparison.Ordinal);
            var unchanged = await (await api.ClientFor("alice").GetAsync($"{url}/checkpoints")).ReadAsync<Paged<CheckpointResponse>>();
            Assert.All(unchanged.Items, c => Assert.Equal("active", c.Status));
        }
        finally
        {
            api.Hub.State.FailNextBranchCalls(0);
        }
        var list = await (await api.ClientFor("alice").GetAsync($"{url}/rollbacks")).ReadAsync<List<RollbackResponse>>();
        var retried = await (await api.ClientFor("alice").PostAsync($"{url}/rollbacks/{list[0].Id}/retry", null)).ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var done = await api.WaitForRollbackAsync(name, retried.Id);
        Assert.Equal("succeeded", done.Status);
        Assert.Equal(4, done.Attempts);
        await (await api.ClientFor("alice").PostAsync($"{url}/rollbacks/{list[0].Id}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task OnlyAvailableCheckpointsOlderThanTheCurrentOneAreTargetsAsInTheConsole()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(100, 200, 300);
        var url = $"/api/v1/experiments/demo-org/{name}/rollbacks";
        await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[300], "current"))).AssertProblemAsync(HttpStatusCode.Conflict);
        var done = await api.WaitForRollbackAsync(name, (await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[100], "mistake")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted)).Id);
        Assert.Equal("succeeded", done.Status);

        // 200 and 300 are superseded now, 100 is current: no target is left, whichever way one asks.
        foreach (var step in new[] { 300, 200, 100 })
        {
            var refused = await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[step], "roll forward"));
            Assert.Contains(step == 100 ? "current" : "superseded", (await refused.AssertProblemAsync(HttpStatusCode.Conflict)).Detail(), StringComparison.Ordinal);
            await (await api.ClientFor("alice").GetAsync($"{url}/preview?checkpointId={ids[step]}")).AssertProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Single(await (await api.ClientFor("alice").GetAsync(url)).ReadAsync<List<RollbackResponse>>());
        Assert.Equal(Revision(100), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
    }

    [Fact]
    public async Task ConcurrentRollbacksOfOneExperimentAreSerialised()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(5, 6, 7);
        var url = $"/api/v1/experiments/demo-org/{name}/rollbacks";
        var first = api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[6], "a"));
        var second = api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[5], "b"));
        var responses = await Task.WhenAll(first, second);
        var a = await api.WaitForRollbackAsync(name, (await responses[0].ReadAsync<RollbackResponse>(HttpStatusCode.Accepted)).Id);
        var b = await api.WaitForRollbackAsync(name, (await responses[1].ReadAsync<RollbackResponse>(HttpStatusCode.Accepted)).Id);
        // The rollback to 5 always succeeds; the one to 6 too when it ran first, else it fails (5's rollback superseded 6).
        Assert.Equal("succeeded", b.Status);
        Assert.True(a.Status == "succeeded" || a.LastError?.Contains("superseded", StringComparison.Ordinal) == true, $"{a.Status}: {a.LastError}");
        // One ran entirely before the other: their running periods do not overlap.
        Assert.True(a.FinishedAt <= b.StartedAt || b.FinishedAt <= a.StartedAt, $"{a.StartedAt}-{a.FinishedAt} vs {b.StartedAt}-{b.FinishedAt}");
        Assert.Equal(Revision(5), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
    }

    [Fact]
    public async Task ARollbackWhoseTargetAnEarlierRollbackSupersededFailsAndNeverRollsTheModelForward()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(10, 20, 30);
        var url = $"/api/v1/experiments/demo-org/{name}/rollbacks";
        RollbackResponse older, newer;
        api.Hub.State.HoldBranchCalls();
        try
        {
            // Two moderators in one incident: back to 10, and (both valid when asked) back to 20, whose job runs second.
            older = await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[10], "poisoned from step 11")))
                .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
            await api.Hub.State.BranchCallHeld.WaitAsync(TimeSpan.FromSeconds(60));
            newer = await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[20], "poisoned from step 21")))
                .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        }
        finally
        {
            api.Hub.State.ReleaseBranchCalls();
        }
        Assert.Equal("succeeded", (await api.WaitForRollbackAsync(name, older.Id)).Status);
        var refused = await api.WaitForRollbackAsync(name, newer.Id);

        // 20 was superseded by the first rollback: the second fails saying so instead of bringing it back as current.
        Assert.Equal("failed", refused.Status);
        Assert.Contains("superseded", refused.LastError, StringComparison.Ordinal);
        Assert.Equal(Revision(10), api.Hub.State.Branches[$"demo-org/{name}@stable"]);
        var list = await (await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{name}/checkpoints")).ReadAsync<Paged<CheckpointResponse>>();
        Assert.Equal(["superseded", "superseded", "active"], list.Items.Select(c => c.Status));
        // Nor does a retry bring it back.
        await (await api.ClientFor("alice").PostAsync($"{url}/{newer.Id}/retry", null)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task QuarantinedOtherExperimentsAndUnknownCheckpointsAreRefused()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(1, 2);
        var (otherName, otherIds) = await api.ExperimentWithCheckpointsAsync(3);
        var url = $"/api/v1/experiments/demo-org/{name}/rollbacks";
        await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{name}/checkpoints/{ids[1]}/quarantine", new QuarantineRequest("poisoned"));

        await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(ids[1], "x"))).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(otherIds[3], "x"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await api.ClientFor("alice").PostWireAsync(url, new CreateRollbackRequest(999999, "x"))).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await api.ClientFor("alice").PostRawAsync(url, """{"checkpoint_id":1}""")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await api.ClientFor("bob").PostWireAsync(url, new CreateRollbackRequest(ids[2], "x"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await (await api.ClientFor("alice").GetAsync(url)).ReadAsync<List<RollbackResponse>>());
        Assert.DoesNotContain(api.Hub.State.Branches.Keys, k => k.Contains(otherName, StringComparison.Ordinal) || k.Contains(name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RollbackMarksContributionsAfterItsStepAndTheLeaderboardMovesThemOut()
    {
        var (name, ids) = await api.ExperimentWithCheckpointsAsync(2, 4);
        var url = $"/api/v1/experiments/demo-org/{name}";
        var key = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("metrics", ["contributions:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        var aux = api.ClientWithToken(key.Secret);
        var rates = new Dictionary<string, double>
        {
            [(await api.JoinAsync(url, "alice")).PeerKeyFingerprint] = 100,
            [(await api.JoinAsync(url, "bob")).PeerKeyFingerprint] = 50,
        };
        var all = ContributionSetup.Steps(rates, steps: 5, end: DateTimeOffset.UtcNow.AddMinutes(-2));
        await aux.SendAsync(url, all.Where(r => r.Step <= 4).ToList());
        Assert.Equal(4 * 6000L, (await api.LeaderboardAsync(url)).Entries[0].CreditedSamples);
        await aux.SendAsync(url, all.Where(r => r.Step == 5).ToList()); // not processed yet when the rollback runs

        var preview = await (await api.ClientFor("alice").GetAsync($"{url}/rollbacks/preview?checkpointId={ids[2]}")).ReadAsync<RollbackPreview>();
        Assert.Equal(6, preview.ContributionsMarked);
        var accepted = await (await api.ClientFor("alice").PostWireAsync($"{url}/rollbacks", new CreateRollbackRequest(ids[2], "bad gradients from step 3")))
            .ReadAsync<RollbackResponse>(HttpStatusCode.Accepted);
        var done = await api.WaitForRollbackAsync(name, accepted.Id);
        Assert.Equal(("succeeded", 6), (done.Status, done.ContributionsMarked));

        var board = await api.LeaderboardAsync(url);
        var alice = board.Entries.Single(e => e.Username == "alice");
        Assert.Equal((2 * 6000L, 3 * 6000L), (alice.CreditedSamples, alice.RolledBackSamples));
        Assert.Contains("rolled_back", alice.Flags);
        Assert.Equal((2 * 3000L, 3 * 3000L), (board.Entries.Single(e => e.Username == "bob").CreditedSamples,
            board.Entries.Single(e => e.Username == "bob").RolledBackSamples));

        // Training goes on from step 2: step 3 is reported again and credited; the old batch re-sent is not.
        Assert.Equal(2, (await aux.SendAsync(url, ContributionSetup.Steps(rates, steps: 1, end: DateTimeOffset.UtcNow, firstStep: 3))).Stored);
        Assert.Equal(4, (await aux.SendAsync(url, all.Where(r => r.Step is 4 or 5).ToList())).Stored);
        alice = (await api.LeaderboardAsync(url)).Entries.Single(e => e.Username == "alice");
        Assert.Equal(3 * 6000L, alice.CreditedSamples);
        var rolledBack = await (await api.ClientFor("alice").GetAsync($"{url}/contributions?flag=rolled_back")).ReadAsync<Paged<ContributionReportResponse>>();
        Assert.Equal(10, rolledBack.Total);
    }
}

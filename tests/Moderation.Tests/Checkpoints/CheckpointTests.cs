using System.Net;
using System.Net.Http.Headers;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Client;
using Moderation.Contracts.Join;
using Moderation.Contracts.Moderation;
using Moderation.Contracts.Tokens;
using Moderation.Tests.Infrastructure;
using static Moderation.Tests.Infrastructure.CheckpointSetup;

namespace Moderation.Tests.Checkpoints;

public sealed class CheckpointTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private static RegisterCheckpointRequest Checkpoint(int step, string org = "demo-org") =>
        new(step, $"{org}/demo-model", Revision(step), 2.5 - step / 1000.0, DateTimeOffset.UtcNow.AddMinutes(-1), 1_000_000);

    [Fact]
    public async Task OwnerCreatesAKeyWhoseSecretIsShownOnceAndRegistersCheckpointsIdempotently()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var created = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux-1", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        Assert.StartsWith("msk_", created.Secret, StringComparison.Ordinal);
        var listed = await (await api.ClientFor("alice").GetAsync($"{url}/service-keys")).ReadAsync<List<ServiceKeyResponse>>();
        Assert.Null(Assert.Single(listed).Secret);

        var aux = api.ClientWithToken(created.Secret);
        var first = await (await aux.PostWireAsync($"{url}/checkpoints", Checkpoint(100))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);
        var again = await (await aux.PostWireAsync($"{url}/checkpoints", Checkpoint(100))).ReadAsync<CheckpointResponse>();
        Assert.Equal(first.Id, again.Id);
        var conflicting = Checkpoint(100) with { Step = 101 };
        await (await aux.PostWireAsync($"{url}/checkpoints", conflicting)).AssertProblemAsync(HttpStatusCode.Conflict);

        var keys = await (await api.ClientFor("alice").GetAsync($"{url}/service-keys")).ReadAsync<List<ServiceKeyResponse>>();
        Assert.NotNull(Assert.Single(keys).LastUsedAt);
        var page = await (await api.ClientFor("alice").GetAsync($"{url}/checkpoints")).ReadAsync<Paged<CheckpointResponse>>();
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task OnlyAServiceKeyWithTheScopeForThisExperimentRegisters()
    {
        var experiment = await api.CreateExperimentAsync();
        var other = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}/checkpoints";
        var wrongScope = await CreateKeyAsync(experiment.ModelName, "contributions:write");
        var otherExperiment = await CreateKeyAsync(other.ModelName, "checkpoints:write");

        await (await api.ClientFor("alice").PostWireAsync(url, Checkpoint(1))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await api.ClientWithToken(wrongScope).PostWireAsync(url, Checkpoint(1))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var foreign = await api.ClientWithToken(otherExperiment).PostWireAsync(url, Checkpoint(1));
        Assert.Contains("checkpoints:write", (await foreign.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
        await (await api.ClientWithToken("msk_not-a-real-key").PostWireAsync(url, Checkpoint(1))).AssertProblemAsync(HttpStatusCode.Unauthorized);

        // A service key is not a user: user endpoints refuse it.
        var asUser = await api.ClientWithToken(wrongScope).GetAsync("/api/v1/me");
        Assert.Contains("service keys", (await asUser.AssertProblemAsync(HttpStatusCode.Forbidden)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokedKeysAreRefused()
    {
        var experiment = await api.CreateExperimentAsync();
        var url = $"/api/v1/experiments/demo-org/{experiment.ModelName}";
        var created = await (await api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest("aux", ["checkpoints:write"])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        await (await api.ClientFor("bob").DeleteAsync($"{url}/service-keys/{created.Id}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await api.ClientFor("alice").DeleteAsync($"{url}/service-keys/{created.Id}")).StatusCode);
        var refused = await api.ClientWithToken(created.Secret).PostWireAsync($"{url}/checkpoints", Checkpoint(5));
        Assert.Contains("revoked", (await refused.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurrentCheckpointIsSignedAndSkipsQuarantinedOnes()
    {
        var experiment = await api.CreateExperimentAsync();
        var name = experiment.ModelName;
        var url = $"/api/v1/experiments/demo-org/{name}";
        await (await api.CreateClient().GetAsync($"{url}/checkpoints/current")).AssertProblemAsync(HttpStatusCode.NotFound);
        var aux = api.ClientWithToken(await CreateKeyAsync(name, "checkpoints:write"));
        await aux.PostWireAsync($"{url}/checkpoints", Checkpoint(100));
        var latest = await (await aux.PostWireAsync($"{url}/checkpoints", Checkpoint(200))).ReadAsync<CheckpointResponse>(HttpStatusCode.Created);

        using var keys = ExperimentKeySet.FromJwks(await new ModerationClient(api.CreateClient()).GetJwksAsync("demo-org", name));
        var (current, error) = await CurrentCheckpoint.VerifyAsync(await api.CreateClient().GetStringAsync($"{url}/checkpoints/current"), keys, $"demo-org/{name}");
        Assert.Null(error);
        Assert.Equal(200, current!.Step);
        Assert.Equal(Revision(200), current.Revision);

        await (await api.ClientFor("carol").PostWireAsync($"{url}/checkpoints/{latest.Id}/quarantine", new QuarantineRequest("poisoned"))).AssertProblemAsync(HttpStatusCode.Forbidden);
        var quarantined = await (await api.ClientFor("alice").PostWireAsync($"{url}/checkpoints/{latest.Id}/quarantine", new QuarantineRequest("poisoned")))
            .ReadAsync<CheckpointResponse>();
        Assert.Equal("quarantined", quarantined.Status);
        var (afterQuarantine, _) = await CurrentCheckpoint.VerifyAsync(await api.CreateClient().GetStringAsync($"{url}/checkpoints/current"), keys, $"demo-org/{name}");
        Assert.Equal(100, afterQuarantine!.Step);
        var audit = await (await api.ClientFor("alice").GetAsync($"{url}/audit?action=checkpoint.quarantined")).ReadAsync<Paged<AuditEntryResponse>>();
        Assert.Equal("poisoned", Assert.Single(audit.Items).Reason);
    }

    [Theory]
    [InlineData("""{"step":-1,"repository":"demo-org/m","revision":"0123456789abcdef0123456789abcdef01234567","created_at":"2026-01-01T00:00:00Z"}""", "step")]
    [InlineData("""{"step":1,"repository":"not a repo","revision":"0123456789abcdef0123456789abcdef01234567","created_at":"2026-01-01T00:00:00Z"}""", "repository")]
    [InlineData("""{"step":1,"repository":"demo-org/m","revision":"main","created_at":"2026-01-01T00:00:00Z"}""", "revision")]
    [InlineData("""{"step":1,"repository":"demo-org/m","revision":"0123456789abcdef0123456789abcdef01234567","created_at":"2999-01-01T00:00:00Z"}""", "created_at")]
    [InlineData("""{"step":1,"repository":"demo-org/m","revision":"0123456789abcdef0123456789abcdef01234567"}""", "created_at")]
    public async Task MalformedCheckpointsAreRefusedAndNothingIsStored(string body, string field)
    {
        var experiment = await api.CreateExperimentAsync();
        var aux = api.ClientWithToken(await CreateKeyAsync(experiment.ModelName, "checkpoints:write"));
        var response = await aux.PostRawAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/checkpoints", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        var page = await (await api.ClientFor("alice").GetAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/checkpoints")).ReadAsync<Paged<CheckpointResponse>>();
        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData("""{"name":"x","scopes":["root"]}""")]
    [InlineData("""{"name":"x","scopes":[]}""")]
    [InlineData("""{"scopes":["checkpoints:write"]}""")]
    public async Task BadServiceKeyRequestsAreRefused(string body)
    {
        var experiment = await api.CreateExperimentAsync();
        var response = await api.ClientFor("alice").PostRawAsync($"/api/v1/experiments/demo-org/{experiment.ModelName}/service-keys", body);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }

    private async Task<string> CreateKeyAsync(string model, string scope)
    {
        var created = await (await api.ClientFor("alice").PostWireAsync($"/api/v1/experiments/demo-org/{model}/service-keys",
            new CreateServiceKeyRequest("aux-" + scope, [scope]))).ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        return created.Secret!;
    }
}

using System.Net;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Experiments;

/// <summary>Bad input on the experiment endpoints: a 4xx ProblemDetails naming the field, and nothing changed.</summary>
public sealed class ExperimentValidationTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Theory]
    [InlineData("""{"model_name":"m1"}""", "organization_name")]
    [InlineData("""{"organization_name":"demo-org"}""", "model_name")]
    [InlineData("""{"organization_name":"demo org","model_name":"m1"}""", "organization_name")]
    [InlineData("""{"organization_name":"demo-org","model_name":"-m1"}""", "model_name")]
    [InlineData("""{"organization_name":"demo-org","model_name":"a--b"}""", "model_name")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","coordinator_port":0}""", "coordinator_port")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","coordinator_port":65536}""", "coordinator_port")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","coordinator_ip":"999.1.1.1"}""", "coordinator_ip")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","coordinator_ip":"example.com"}""", "coordinator_ip")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","token_lifetime_minutes":1}""", "token_lifetime_minutes")]
    public async Task InvalidFieldIsNamedAndNothingIsCreated(string body, string field)
    {
        var before = await api.ExperimentCountAsync();
        var response = await api.ClientFor("alice").PostRawAsync("/api/v1/experiments", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Contains(field, problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(before, await api.ExperimentCountAsync());
    }

    [Theory]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","coordinator_port":"eighty"}""", "coordinator_port")]
    [InlineData("""{"organization_name":"demo-org","model_name":"m1","access_policy":"everyone"}""", "access_policy")]
    [InlineData("""{"organization_name":"demo-org",""", "not valid JSON")]
    [InlineData("""[1,2,3]""", "not valid JSON")]
    public async Task MalformedJsonIsABadRequestThatSaysWhere(string body, string path)
    {
        var before = await api.ExperimentCountAsync();
        var response = await api.ClientFor("alice").PostRawAsync("/api/v1/experiments", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains(path, problem.Detail(), StringComparison.Ordinal);
        Assert.Equal(before, await api.ExperimentCountAsync());
    }

    [Fact]
    public async Task WrongContentTypeIsUnsupportedMediaType()
    {
        var response = await api.ClientFor("alice").PostAsync("/api/v1/experiments", new StringContent("organization_name=x"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task OversizedBodyIsRefused()
    {
        var before = await api.ExperimentCountAsync();
        var huge = $$"""{"organization_name":"demo-org","model_name":"{{new string('a', 2 * 1024 * 1024)}}"}""";
        var response = await api.ClientFor("alice").PostRawAsync("/api/v1/experiments", huge);
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await api.ExperimentCountAsync());
    }

    [Fact]
    public async Task InvalidPatchChangesNothing()
    {
        var created = await api.ClientFor("alice").PostRawAsync("/api/v1/experiments",
            """{"organization_name":"demo-org","model_name":"patched","coordinator_port":1234}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var response = await api.ClientFor("alice").PatchAsync("/api/v1/experiments/demo-org/patched",
            new StringContent("""{"coordinator_port":70000,"access_policy":"open"}""", System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("coordinator_port", out _));

        var stored = await api.QueryDbAsync(db => Task.FromResult(db.Experiments.Single(e => e.ModelName == "patched")));
        Assert.Equal(1234, stored.CoordinatorPort);
        Assert.Equal(Moderation.Contracts.Experiments.AccessPolicy.OrgMembers, stored.AccessPolicy);
    }

    [Fact]
    public async Task InvalidModeratorNameIsRefused()
    {
        await api.ClientFor("alice").PostRawAsync("/api/v1/experiments", """{"organization_name":"demo-org","model_name":"mods"}""");
        var response = await api.ClientFor("alice").PutAsync("/api/v1/experiments/demo-org/mods/moderators/bad..name", null);
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("username", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidPagingIsABadRequest()
    {
        var response = await api.ClientFor("alice").GetAsync("/api/v1/experiments?page=abc");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest);
    }
}

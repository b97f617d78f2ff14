using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Experiments;

/// <summary>The reference server's <c>/api/experiments/</c> endpoints keep its exact shapes and status codes.</summary>
public sealed class ReferenceExperimentTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    private static readonly string[] ExperimentFields =
        ["coordinator_ip", "coordinator_port", "created_at", "creator", "id", "model_name", "organization_name", "updated_at"];

    [Fact]
    public async Task CreateAnswers201WithTheReferenceShape()
    {
        var response = await api.ClientFor("alice").PostAsJsonAsync("/api/experiments/", new
        {
            new_experiment = new { organization_name = "demo-org", model_name = "ref-create", coordinator_ip = "192.0.2.1", coordinator_port = 8080 },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ExperimentFields, json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("demo-org", json.GetProperty("organization_name").GetString());
        Assert.Equal("ref-create", json.GetProperty("model_name").GetString());
        Assert.Equal("192.0.2.1", json.GetProperty("coordinator_ip").GetString());
        Assert.Equal(8080, json.GetProperty("coordinator_port").GetInt32());
        Assert.Equal("alice", json.GetProperty("creator").GetString());
        Assert.True(json.GetProperty("id").GetInt32() > 0);
    }

    [Theory]
    [InlineData("""{"new_experiment":null}""")]
    [InlineData("""{"new_experiment":{}}""")]
    [InlineData("""{}""")]
    [InlineData("""{"new_experiment":{"organization_name":"demo-org","model_name":"m","coordinator_port":70000}}""")]
    public async Task InvalidCreateIs422AndCreatesNothing(string body)
    {
        var before = await api.ExperimentCountAsync();
        var response = await api.ClientFor("alice").PostRawAsync("/api/experiments/", body);
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains(problem.FastApiErrors(), e => e.Loc.StartsWith("body.new_experiment", StringComparison.Ordinal));
        Assert.Equal(before, await api.ExperimentCountAsync());
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("carol")]
    public async Task NonAdminCreateIs401WithDetail(string user)
    {
        var response = await api.ClientFor(user).PostAsJsonAsync("/api/experiments/", new
        {
            new_experiment = new { organization_name = "demo-org", model_name = "ref-denied" },
        });
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("admin of the organization demo-org", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateCreateIs401LikeTheReference()
    {
        var body = new { new_experiment = new { organization_name = "demo-org", model_name = "ref-dup" } };
        Assert.Equal(HttpStatusCode.Created, (await api.ClientFor("alice").PostAsJsonAsync("/api/experiments/", body)).StatusCode);
        var again = await api.ClientFor("alice").PostAsJsonAsync("/api/experiments/", body);
        var problem = await again.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("already exist", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetByNameAndByIdReturnTheSameExperiment()
    {
        var id = await CreateAsync("ref-get");
        var byName = await api.ClientFor("alice").GetFromJsonAsync<JsonElement>("/api/experiments/?organization_name=demo-org&model_name=ref-get");
        var byId = await api.ClientFor("alice").GetFromJsonAsync<JsonElement>($"/api/experiments/{id}/");
        Assert.Equal(id, byName.GetProperty("id").GetInt32());
        Assert.Equal(byName.ToString(), byId.ToString());
        Assert.Equal(ExperimentFields, byId.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task StrangersAndMissingExperimentsGetTheSame401NamingNoExperiment()
    {
        var id = await CreateAsync("ref-private");
        var answers = new List<string>();
        foreach (var url in new[] { $"/api/experiments/{id}/", "/api/experiments/999999/", "/api/experiments/-1/", "/api/experiments/0/",
                     "/api/experiments/99999999999999999999/", "/api/experiments/?organization_name=demo-org&model_name=ref-private",
                     "/api/experiments/?organization_name=demo-org&model_name=nope", "/api/experiments/?organization_name=&model_name=" })
        {
            answers.Add((await (await api.ClientFor("bob").GetAsync(url)).AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail());
        }
        // An existing id and an unknown one are answered alike: the refusal does not say what the id is.
        Assert.Single(answers.Distinct());
        Assert.DoesNotContain("ref-private", answers[0], StringComparison.Ordinal);
        Assert.DoesNotContain("demo-org", answers[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateChangesOnlyTheGivenFields()
    {
        var id = await CreateAsync("ref-update");
        var before = await api.ClientFor("alice").GetFromJsonAsync<JsonElement>($"/api/experiments/{id}/");

        var response = await api.ClientFor("alice").PutAsJsonAsync($"/api/experiments/{id}/",
            new { experiment_update = new { coordinator_ip = "684D:1111:222:3333:4444:5555:6:77", coordinator_port = 400 } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("684D:1111:222:3333:4444:5555:6:77", after.GetProperty("coordinator_ip").GetString());
        Assert.Equal(400, after.GetProperty("coordinator_port").GetInt32());
        Assert.Equal(before.GetProperty("model_name").GetString(), after.GetProperty("model_name").GetString());
        Assert.Equal(before.GetProperty("created_at").GetString(), after.GetProperty("created_at").GetString());
        Assert.NotEqual(before.GetProperty("updated_at").GetString(), after.GetProperty("updated_at").GetString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task NonPositiveIdIs422(int id)
    {
        var response = await api.ClientFor("alice").PutAsJsonAsync($"/api/experiments/{id}/", new { experiment_update = new { coordinator_port = 80 } });
        await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        await (await api.ClientFor("alice").DeleteAsync($"/api/experiments/{id}/")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task DeleteAnswersTheExperimentThenItIsGone()
    {
        var id = await CreateAsync("ref-delete");
        await (await api.ClientFor("bob").DeleteAsync($"/api/experiments/{id}/")).AssertProblemAsync(HttpStatusCode.Unauthorized);

        var response = await api.ClientFor("alice").DeleteAsync($"/api/experiments/{id}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(id, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
        await (await api.ClientFor("alice").GetAsync($"/api/experiments/{id}/")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UnauthenticatedCallsAre401WithDetail()
    {
        var response = await api.ClientWithToken(null).PostAsJsonAsync("/api/experiments/",
            new { new_experiment = new { organization_name = "demo-org", model_name = "anon" } });
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", problem.Detail(), StringComparison.Ordinal);
    }

    private async Task<int> CreateAsync(string model)
    {
        var response = await api.ClientFor("alice").PostAsJsonAsync("/api/experiments/",
            new { new_experiment = new { organization_name = "demo-org", model_name = model } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}

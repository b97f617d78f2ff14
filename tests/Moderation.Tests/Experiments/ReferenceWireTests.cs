using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Experiments;

/// <summary>
/// What the reference server's own test suite (huggingface/collaborative-training-auth, backend/tests) expects of the wire,
/// beyond the shapes: times Python ≤ 3.10 can read, ids read as FastAPI reads an int, empty names, and its 422 bodies.
/// </summary>
public sealed partial class ReferenceWireTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task TimesHaveExactlySixFractionalDigitsAndTheSameValueOnEveryRead()
    {
        var alice = api.ClientFor("alice");
        var created = await ReadAsync(await alice.PostAsJsonAsync("/api/experiments/",
            new { new_experiment = new { organization_name = "demo-org", model_name = "ref-times" } }), HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt32();
        var read = await ReadAsync(await alice.GetAsync($"/api/experiments/{id}/"));
        var updated = await ReadAsync(await alice.PutAsJsonAsync($"/api/experiments/{id}/", new { experiment_update = new { coordinator_port = 4242 } }));
        var readAgain = await ReadAsync(await alice.GetAsync($"/api/experiments/{id}/"));

        foreach (var answer in new[] { created, read, updated, readAgain })
        {
            foreach (var field in new[] { "created_at", "updated_at" })
            {
                // What Python 3.7–3.10's datetime.fromisoformat accepts: six digits (or three, or none) and an offset, no "Z".
                Assert.Matches(PythonIsoTime(), answer.GetProperty(field).GetString()!);
            }
        }
        Assert.Equal(created.GetProperty("created_at").GetString(), read.GetProperty("created_at").GetString());
        Assert.Equal(created.GetProperty("updated_at").GetString(), read.GetProperty("updated_at").GetString());
        Assert.Equal(updated.GetProperty("updated_at").GetString(), readAgain.GetProperty("updated_at").GetString());
        Assert.Equal(created.GetProperty("created_at").GetString(), readAgain.GetProperty("created_at").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task ANonIntegerIdIs422InFastApisShape(string method)
    {
        foreach (var id in new[] { "None", "1.5", "abc", "-" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/api/experiments/{id}/");
            if (method == "PUT")
            {
                request.Content = JsonContent.Create(new { experiment_update = new { coordinator_port = 80 } });
            }
            var problem = await (await api.ClientFor("alice").SendAsync(request)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(new[] { ("path.id", "value is not a valid integer", "type_error.integer") }, problem.FastApiErrors());
        }
    }

    [Fact]
    public async Task NonPositiveIdsAre401OnGetLikeAnyUnknownIdAnd422WhereTheReferenceSaysGe1()
    {
        var unknown = (await (await api.ClientFor("alice").GetAsync("/api/experiments/999999/")).AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail();
        foreach (var id in new[] { "-1", "0" })
        {
            var get = await (await api.ClientFor("alice").GetAsync($"/api/experiments/{id}/")).AssertProblemAsync(HttpStatusCode.Unauthorized);
            Assert.Equal(unknown, get.Detail());
            var delete = await (await api.ClientFor("alice").DeleteAsync($"/api/experiments/{id}/")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal("path.id", Assert.Single(delete.FastApiErrors()).Loc);
        }
    }

    [Fact]
    public async Task AnEmptyNameMatchesNothingAndAMissingOneIs422()
    {
        foreach (var query in new[] { "organization_name=&model_name=x", "organization_name=demo-org&model_name=", "organization_name=&model_name=" })
        {
            await (await api.ClientFor("alice").GetAsync($"/api/experiments/?{query}")).AssertProblemAsync(HttpStatusCode.Unauthorized);
            var join = await api.ClientFor("alice").PutAsJsonAsync($"/api/experiments/join?{query}",
                new { experiment_join_input = new { peer_public_key = PeerKeys.New() } });
            await join.AssertProblemAsync(HttpStatusCode.Unauthorized);
        }
        var missing = await (await api.ClientFor("alice").GetAsync("/api/experiments/?model_name=x")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(new[] { ("query.organization_name", "field required", "value_error.missing") }, missing.FastApiErrors());
    }

    [Theory]
    [InlineData("""{}""", "body.new_experiment", "value_error.missing")]
    [InlineData("""{"new_experiment":{"model_name":"m"}}""", "body.new_experiment.organization_name", "value_error.missing")]
    [InlineData("""{"new_experiment":{"organization_name":"demo-org","model_name":"bad name"}}""", "body.new_experiment.model_name", "value_error")]
    [InlineData("""{"new_experiment":{"organization_name":"demo-org","model_name":"m","coordinator_port":[1]}}""", "body.new_experiment.coordinator_port", "type_error")]
    [InlineData("""{"new_experiment":""", "body", "value_error.jsondecode")]
    public async Task EveryRefusedBodyIs422WithFastApisListOfErrors(string body, string loc, string type)
    {
        var response = await api.ClientFor("alice").PostRawAsync("/api/experiments/", body);
        var errors = (await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity)).FastApiErrors();
        Assert.Contains(errors, e => e.Loc == loc && e.Type == type && e.Msg.Length > 0);
    }

    [Fact]
    public async Task APortSentAsADigitStringIsReadAsPydanticReadsIt()
    {
        var created = await ReadAsync(await api.ClientFor("alice").PostAsJsonAsync("/api/experiments/",
            new { new_experiment = new { organization_name = "demo-org", model_name = "ref-port", coordinator_port = "8080" } }), HttpStatusCode.Created);
        Assert.Equal(8080, created.GetProperty("coordinator_port").GetInt32());
    }

    [Fact]
    public async Task TheDuplicateCheckIgnoresLetterCaseForNamesWithUnderscores()
    {
        var root = api.ClientFor("root");
        Assert.Equal(HttpStatusCode.Created, (await root.PostAsJsonAsync("/api/experiments/",
            new { new_experiment = new { organization_name = "org_1", model_name = "probe_c" } })).StatusCode);
        foreach (var (org, model) in new[] { ("ORG_1", "PROBE_C"), ("Org_1", "probe_C"), ("org_1", "PROBE_c") })
        {
            var again = await root.PostAsJsonAsync("/api/experiments/", new { new_experiment = new { organization_name = org, model_name = model } });
            Assert.Contains("already exist", (await again.AssertProblemAsync(HttpStatusCode.Unauthorized)).Detail(), StringComparison.Ordinal);
            var native = await root.PostAsJsonAsync("/api/v1/experiments", new { organization_name = org, model_name = model });
            await native.AssertProblemAsync(HttpStatusCode.Conflict);
        }
        Assert.Single(await api.QueryDbAsync(db => Task.FromResult(db.Experiments.Select(e => e.OrganizationName + "/" + e.ModelName).ToList())),
            n => string.Equals(n, "org_1/probe_c", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$")]
    private static partial Regex PythonIsoTime();
}

using System.Net;
using Moderation.Contracts.Client;

namespace Moderation.Tests.Client;

/// <summary>The two small parts every client of the API shares: the path builder that refuses dot segments, and the problem reader.</summary>
public sealed class ApiClientPartsTests
{
    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("")]
    [InlineData("bob\u0000")]
    [InlineData("bob\nalice")]
    public void APathWithADotSegmentAnEmptyNameOrControlCharactersIsNotSendable(string name)
    {
        var path = ApiPath.Experiment("demo-org", "demo-model", "allowlist", name);
        Assert.False(path.IsSafe);
        Assert.False(string.IsNullOrWhiteSpace(path.Problem));
        if (name is "." or "..")
        {
            Assert.Contains($"'{name}' is not a name", path.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NamesArePercentEncodedSoEncodedDotsStayNames()
    {
        Assert.Equal("api/v1/experiments/demo-org/demo-model/allowlist/bob", ApiPath.Experiment("demo-org", "demo-model", "allowlist", "bob").Value);
        var encoded = ApiPath.Experiment("demo-org", "demo-model", "bans", "%2e%2e");
        Assert.True(encoded.IsSafe);
        Assert.Equal("api/v1/experiments/demo-org/demo-model/bans/%252e%252e", encoded.Value);
        Assert.Equal("api/v1/experiments/o/m/peers/a%2Fb%3F", ApiPath.Experiment("o", "m", "peers", "a/b?").Value);
        Assert.Equal("api/v1/experiments/o/m/audit?action=ban.created&target=a%20b%26c",
            ApiPath.Experiment("o", "m", "audit").Query("action", "ban.created").Query("actor", " ").Query("target", "a b&c").Value);
    }

    [Fact]
    public async Task TheTypedClientRefusesAnUnsafePathWithoutSendingIt()
    {
        var handler = new RecordingHandler();
        var client = new ModerationClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:1/") });
        var refused = await Assert.ThrowsAsync<ModerationApiException>(() => client.GetJwksAsync("demo-org", ".."));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Contains("'..' is not a name", refused.Detail, StringComparison.Ordinal);
        Assert.Equal(0, handler.Calls);
    }

    [Fact]
    public void AProblemDetailsBodyGivesItsDetailAndItsFieldErrorsByWireName()
    {
        var problem = ApiProblem.Parse(400, """
            {"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"The request is not valid","status":400,
             "detail":"'expires_at' must be in the future (or absent for a ban without end).",
             "errors":{"expires_at":["'expires_at' must be in the future (or absent for a ban without end)."]}}
            """);
        Assert.Equal(400, problem.Status);
        Assert.Equal("The request is not valid", problem.Title);
        Assert.StartsWith("'expires_at' must be in the future", problem.Detail, StringComparison.Ordinal);
        Assert.Single(problem.ErrorsFor("expires_at"));
        Assert.Empty(problem.ErrorsFor("username"));
    }

    [Fact]
    public void ReferenceServerAnswersAreReadToo()
    {
        Assert.Equal("You are not allowed to join.", ApiProblem.Parse(401, """{"detail": "You are not allowed to join."}""").Detail);
        var fastApi = ApiProblem.Parse(422, """{"detail":[{"loc":["body","experiment_join_input"],"msg":"field required","type":"value_error.missing"}]}""");
        Assert.Equal("body.experiment_join_input: field required", fastApi.Detail);
        // Field errors without a detail become the detail.
        Assert.Equal("'name' must not be empty.", ApiProblem.Parse(400, """{"title":"Bad","errors":{"name":["'name' must not be empty."]}}""").Detail);
    }

    [Theory]
    [InlineData("", "The server answered 502 without saying why.")]
    [InlineData("<html><body>Bad gateway</body></html>", "The server answered 502 without saying why.")]
    [InlineData("[1, 2]", "The server answered 502 without saying why.")]
    [InlineData("upstream connect error", "upstream connect error")]
    public void AnUnreadableBodyBecomesASentenceNamingTheStatus(string body, string detail) =>
        Assert.Equal(detail, ApiProblem.Parse(502, body).Detail);

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}

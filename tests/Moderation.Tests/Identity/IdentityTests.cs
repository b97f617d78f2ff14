using System.Diagnostics;
using System.Net;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Identity;
using Moderation.HubEmulator;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Identity;

/// <summary>
/// Bearer HF tokens: resolved through the Hub (whoami-v2, then OAuth userinfo), cached by hash, one lookup per token
/// however many requests wait; an invalid token is 401, an HF outage is 503 with Retry-After, never 401.
/// Each test uses a fresh emulator-issued OAuth token or its own emulator mode, so the identity cache does not hide the Hub.
/// </summary>
public sealed class IdentityTests(AuthApiFactory api) : IClassFixture<AuthApiFactory>
{
    [Fact]
    public async Task MeReturnsTheHfIdentityOrgsAndRoles()
    {
        await api.ClientFor("alice").PostWireAsync("/api/v1/experiments", new CreateExperimentRequest("demo-org", "me-model"));

        var me = await (await api.ClientFor("alice").GetAsync("/api/v1/me")).ReadAsync<MeResponse>();
        Assert.Equal("alice", me.Username);
        Assert.Equal("Alice Admin", me.Fullname);
        Assert.True(me.EmailVerified);
        Assert.True(me.IsPro);
        Assert.False(me.IsGlobalAdmin);
        Assert.Equal([new HfOrgMembership("demo-org", "admin")], me.Orgs);
        Assert.Contains(new ExperimentRoleGrant("demo-org", "me-model", ExperimentRole.Owner), me.Experiments);
        Assert.EndsWith("/avatars/alice.svg", me.AvatarUrl, StringComparison.Ordinal);

        var root = await (await api.ClientFor("root").GetAsync("/api/v1/me")).ReadAsync<MeResponse>();
        Assert.True(root.IsGlobalAdmin);
    }

    [Fact]
    public async Task MissingTokenIs401ProblemWithChallenge()
    {
        var response = await api.ClientWithToken(null).GetAsync("/api/v1/me");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", problem.Detail(), StringComparison.Ordinal);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [InlineData("hf_not_a_real_token")]
    [InlineData("hf_dev_nobody")]
    public async Task TokenHfRejectsIs401(string token)
    {
        var response = await api.ClientWithToken(token).GetAsync("/api/v1/me");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Hugging Face does not recognise this token", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedAuthorizationHeaderIs401()
    {
        var client = api.ClientWithToken(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Basic YWxpY2U6c2VjcmV0");
        var problem = await (await client.GetAsync("/api/v1/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OAuthAccessTokenResolvesThroughUserInfo()
    {
        var token = IssueOAuthToken("carol", "openid profile email read-memberships");
        var me = await (await api.ClientWithToken(token).GetAsync("/api/v1/me")).ReadAsync<MeResponse>();
        Assert.Equal("carol", me.Username);
        Assert.Equal("Carol Volunteer", me.Fullname);
        Assert.Empty(me.Orgs);

        var bobToken = IssueOAuthToken("bob", "openid profile read-memberships");
        var bob = await (await api.ClientWithToken(bobToken).GetAsync("/api/v1/me")).ReadAsync<MeResponse>();
        Assert.Equal([new HfOrgMembership("demo-org", "read")], bob.Orgs);
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneTokenAskHfOnceAndThenUseTheCache()
    {
        var token = IssueOAuthToken("bob", "openid profile");
        var before = api.Hub.State.WhoAmICalls;

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => api.ClientWithToken(token).GetAsync("/api/v1/me")));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, api.Hub.State.WhoAmICalls - before);

        Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(token).GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(1, api.Hub.State.WhoAmICalls - before);
    }

    [Fact]
    public async Task PublicEndpointsDoNotNeedHf()
    {
        api.Hub.State.Mode = HubMode.Unavailable;
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await api.ClientWithToken(null).GetAsync("/healthz")).StatusCode);
        }
        finally
        {
            api.Hub.State.Mode = HubMode.Normal;
        }
    }

    private string IssueOAuthToken(string user, string scope) => api.Hub.IssueOAuthToken(user, scope);
}

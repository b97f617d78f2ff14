using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Authorization;
using Moderation.Contracts.Experiments;
using Xunit.Abstractions;

namespace Moderation.Tests.Security;

/// <summary>
/// Every endpoint the app maps × every kind of caller, from the app's own endpoint list: each endpoint must declare an
/// <see cref="AccessRule"/>, and each caller must get the class of answer that rule implies (let in, 401 or 403; the
/// reference API's 401 for every refusal). A new endpoint without a declared rule fails here.
/// </summary>
public sealed class AuthorizationMatrixTests(MatrixSetup setup, ITestOutputHelper output) : IClassFixture<MatrixSetup>
{
    [Fact]
    public void EveryEndpointDeclaresWhoMayCallIt()
    {
        var undeclared = MatrixSetup.Endpoints(setup.Api).Where(e => e.Rule is null).Select(e => e.Name).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without an access rule: " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task EveryEndpointAnswersEveryKindOfCallerAsItsRuleSays()
    {
        var endpoints = MatrixSetup.Endpoints(setup.Api).Where(e => e.Rule is not null).ToList();
        var failures = new List<string>();
        var requests = 0;
        // Deleting experiments last, each allowed caller on a throwaway experiment of its own.
        foreach (var endpoint in endpoints.OrderBy(e => e.DeletesExperiment))
        {
            foreach (var caller in Enum.GetValues<CallerKind>())
            {
                var expected = Expected(endpoint, caller);
                var status = await setup.SendAsync(endpoint, caller, expected == Answer.LetIn);
                requests++;
                var actual = status switch
                {
                    HttpStatusCode.Unauthorized => Answer.Unauthorized,
                    HttpStatusCode.Forbidden => Answer.Forbidden,
                    >= HttpStatusCode.InternalServerError => Answer.ServerError,
                    _ => Answer.LetIn,
                };
                if (actual != expected)
                {
                    failures.Add($"{endpoint.Name} as {caller}: expected {expected}, got {(int)status}");
                }
            }
        }
        output.WriteLine($"Authorization matrix: {endpoints.Count} endpoints × {Enum.GetValues<CallerKind>().Length} kinds of caller = {requests} requests.");
        Assert.True(endpoints.Count >= 60, $"Only {endpoints.Count} endpoints found.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static Answer Expected(MatrixEndpoint endpoint, CallerKind caller)
    {
        var rule = endpoint.Rule!;
        var refused = rule.Reference ? Answer.Unauthorized : Answer.Forbidden;
        var role = caller switch
        {
            CallerKind.Moderator => ExperimentRole.Moderator,
            CallerKind.Owner or CallerKind.GlobalAdmin => ExperimentRole.Owner,
            _ => ExperimentRole.None,
        };
        var isUser = caller is CallerKind.NotAdmitted or CallerKind.Participant or CallerKind.ModeratorElsewhere or CallerKind.Moderator
            or CallerKind.Owner or CallerKind.GlobalAdmin;
        var keyHasScope = caller switch
        {
            CallerKind.ServiceKeyForCheckpoints => rule.Scope == "checkpoints:write",
            CallerKind.ServiceKeyForContributions => rule.Scope == "contributions:write",
            CallerKind.ServiceKeyForInitialPeers => rule.Scope == "initial_peers:write",
            _ => false,
        };
        if (rule.Audience == Audience.Anyone)
        {
            return Answer.LetIn;
        }
        if (caller is CallerKind.Anonymous or CallerKind.BarePeerToken)
        {
            return Answer.Unauthorized;
        }
        var answer = rule.Audience switch
        {
            Audience.SignedInUsers => isUser ? Answer.LetIn : refused,
            Audience.GlobalAdmins => caller == CallerKind.GlobalAdmin ? Answer.LetIn : refused,
            Audience.ExperimentMembers => isUser && role >= rule.MinimumRole ? Answer.LetIn : refused,
            Audience.ServiceKeys => keyHasScope ? Answer.LetIn : refused,
            Audience.Reporters => keyHasScope || caller == CallerKind.ProvenPeer ? Answer.LetIn : refused,
            _ => throw new InvalidOperationException($"No expectation for {rule.Audience}."),
        };
        // (Who may join is the join's own decision, after the rule and the body's validation: see JoinTests.)
        return answer;
    }

    private enum Answer
    {
        LetIn,
        Unauthorized,
        Forbidden,
        ServerError,
    }
}

public enum CallerKind
{
    Anonymous,
    NotAdmitted,
    Participant,
    ModeratorElsewhere,
    Moderator,
    Owner,
    GlobalAdmin,
    ServiceKeyForCheckpoints,
    ServiceKeyForContributions,
    ServiceKeyForInitialPeers,
    BarePeerToken,
    ProvenPeer,
}

public sealed record MatrixEndpoint(string Name, string Method, RoutePattern Pattern, AccessRule? Rule)
{
    public bool DeletesExperiment => Name is "DeleteExperiment" or "experiments:delete-experiment-by-id";
}

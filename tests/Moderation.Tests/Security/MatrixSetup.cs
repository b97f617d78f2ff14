using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Authorization;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Contracts.Moderation;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Security;

/// <summary>
/// One experiment (allowlist policy, owned by alice as admin of demo-org) and one caller of each kind for the
/// authorization matrix: a stranger, an allowlisted participant, a moderator of another experiment, a moderator, the
/// owner, the global admin, a service key per scope, and carol's peer with its token bare and with DPoP proofs.
/// </summary>
public sealed class MatrixSetup : IAsyncLifetime
{
    public AuthApiFactory Api { get; } = new();
    private ExperimentResponse _experiment = null!;
    private readonly Dictionary<CallerKind, Func<HttpClient>> _clients = [];
    private DpopPeer? _peer;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Api).InitializeAsync();
        _experiment = await Api.CreateExperimentAsync(policy: AccessPolicy.Allowlist);
        var url = Url(_experiment);
        await Api.AllowlistAsync(_experiment, "carol");
        var moderator = Api.NewUser("mod");
        Assert.True((await Api.ClientFor("alice").PutAsync($"{url}/moderators/{moderator.Name}", null)).IsSuccessStatusCode);
        var elsewhere = await Api.CreateExperimentAsync();
        var otherModerator = Api.NewUser("othermod");
        Assert.True((await Api.ClientFor("alice").PutAsync($"{Url(elsewhere)}/moderators/{otherModerator.Name}", null)).IsSuccessStatusCode);
        var checkpointsKey = await KeyAsync(url, "checkpoints:write");
        var contributionsKey = await KeyAsync(url, "contributions:write");
        var initialPeersKey = await KeyAsync(url, "initial_peers:write");
        _peer = await DpopPeer.Create().JoinAsync(Api, url, "carol");

        _clients[CallerKind.Anonymous] = () => Api.CreateClient();
        _clients[CallerKind.NotAdmitted] = () => Api.ClientFor("mallory");
        _clients[CallerKind.Participant] = () => Api.ClientFor("carol");
        _clients[CallerKind.ModeratorElsewhere] = () => Api.ClientWithToken(otherModerator.UserAccessToken);
        _clients[CallerKind.Moderator] = () => Api.ClientWithToken(moderator.UserAccessToken);
        _clients[CallerKind.Owner] = () => Api.ClientFor("alice");
        _clients[CallerKind.GlobalAdmin] = () => Api.ClientFor("root");
        _clients[CallerKind.ServiceKeyForCheckpoints] = () => Api.ClientWithToken(checkpointsKey);
        _clients[CallerKind.ServiceKeyForContributions] = () => Api.ClientWithToken(contributionsKey);
        _clients[CallerKind.ServiceKeyForInitialPeers] = () => Api.ClientWithToken(initialPeersKey);
        _clients[CallerKind.BarePeerToken] = () => Api.ClientWithToken(_peer.Joined!.Token);
        _clients[CallerKind.ProvenPeer] = () => _peer.Client(Api);
    }

    /// <summary>The app's endpoints (one per route and method) with their declared rules.</summary>
    public static List<MatrixEndpoint> Endpoints(AuthApiFactory api) =>
        api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => new MatrixEndpoint(e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{m} {e.RoutePattern.RawText}",
                    m, e.RoutePattern, e.Metadata.GetMetadata<AccessRule>())))
            .ToList();

    /// <param name="allowed">Whether the caller is expected to get in: for experiment deletions they get an experiment of their own.</param>
    public async Task<HttpStatusCode> SendAsync(MatrixEndpoint endpoint, CallerKind caller, bool allowed)
    {
        var experiment = endpoint.DeletesExperiment && allowed ? await Api.CreateExperimentAsync() : _experiment;
        var path = Path(endpoint, experiment);
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), path);
        if (endpoint.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        var response = await _clients[caller]().SendAsync(request);
        return response.StatusCode;
    }

    private static string Path(MatrixEndpoint endpoint, ExperimentResponse experiment)
    {
        var path = new StringBuilder();
        foreach (var segment in endpoint.Pattern.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternSeparatorPart separator => separator.Content,
                    RoutePatternParameterPart parameter => Value(parameter, endpoint, experiment),
                    _ => "",
                });
            }
        }
        var query = endpoint.Name switch
        {
            "PreviewRollback" => "?checkpointId=1",
            "experiments:get-experiment-by-organization-and-model-name" or "experiments:join-experiment-by-organization-and-model-name" =>
                $"?organization_name={experiment.OrganizationName}&model_name={experiment.ModelName}",
            _ => "",
        };
        return path.ToString() + query;
    }

    private static string Value(RoutePatternParameterPart parameter, MatrixEndpoint endpoint, ExperimentResponse experiment) => parameter.Name switch
    {
        "org" => experiment.OrganizationName,
        "model" => experiment.ModelName,
        "id" when endpoint.Pattern.RawText!.StartsWith("/api/experiments", StringComparison.Ordinal) => experiment.Id.ToString(CultureInfo.InvariantCulture),
        "id" when parameter.ParameterPolicies.Any(p => p.Content == "guid") => Guid.NewGuid().ToString(),
        "id" => "999999",
        "username" => "bob",
        "fingerprint" => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "documentName" => "v1",
        _ when parameter.IsCatchAll => "",
        _ => "x",
    };

    private async Task<string> KeyAsync(string url, string scope) =>
        (await (await Api.ClientFor("alice").PostWireAsync($"{url}/service-keys", new CreateServiceKeyRequest(scope, [scope])))
            .ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created)).Secret!;

    private static string Url(ExperimentResponse e) => $"/api/v1/experiments/{e.OrganizationName}/{e.ModelName}";

    public async Task DisposeAsync()
    {
        _peer?.Dispose();
        await ((IAsyncLifetime)Api).DisposeAsync();
    }
}

using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Moderation.AuthApi.Authorization;
using Moderation.Contracts.Checkpoints;
using Moderation.Contracts.Experiments;
using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// AuthApi on Kestrel over loopback (so requests meet the real HTTP parser and body limits), an open experiment owned by
/// alice with a service key and carol's peer, a second experiment whose peer's token is the wrong audience, a throwaway
/// experiment for requests that change or delete an experiment, and every kind of caller the generator names.
/// </summary>
public sealed class FuzzTarget : IAsyncLifetime
{
    /// <summary>A client per caller, and the Authorization header to add to each request for callers that are only a header.</summary>
    private readonly Dictionary<FuzzCaller, (HttpClient Client, Func<string>? Authorization)> _clients = [];
    private readonly RSA _strangerKey = RSA.Create(2048);
    private readonly List<IDisposable> _owned = [];
    private ExperimentResponse _experiment = null!;
    private ExperimentResponse _victim = null!;
    private Dictionary<FuzzCaller, IReadOnlyList<string>> _joinKeys = [];
    private DpopPeer _peer = null!;

    public FuzzApiFactory Api { get; } = new();
    public OpenApiOperations Document { get; private set; } = null!;
    public DatabaseSnapshots Snapshots { get; private set; } = null!;
    public FuzzContext Context { get; private set; } = null!;

    /// <summary>
    /// Whether the application refuses request paths with dot segments (<c>%2e%2e</c>) before routing. Kestrel resolves
    /// them while decoding, so without that refusal <c>DELETE …/bans/%2e%2e</c> deletes the experiment; the run then
    /// reports such requests as known (issue 11) and rebuilds its fixture, and once the refusal is there, requires it.
    /// </summary>
    public bool RefusesDotSegments { get; private set; }

    /// <summary>Times the fixture experiment had to be made again because a request deleted it (each one is also a finding).</summary>
    public int Rebuilds { get; private set; }

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Api).InitializeAsync();
        Api.StartServer();
        // Every account the run uses is seen once now, so no refused request is the first sight of a user.
        foreach (var user in new[] { "alice", "bob", "carol", "mallory", "root" })
        {
            (await Api.ClientFor(user).GetAsync("/api/v1/me")).EnsureSuccessStatusCode();
        }
        _joinKeys = new()
        {
            [FuzzCaller.Participant] = [PeerKeys.New(), PeerKeys.New()],
            [FuzzCaller.Owner] = [PeerKeys.New(), PeerKeys.New()],
            [FuzzCaller.GlobalAdmin] = [PeerKeys.New()],
        };
        await PrepareAsync();
        RefusesDotSegments = (await SendAsync(new FuzzRequest(new ApiOperation("GET", "/healthz", "probe", [], null), "GET", "/healthz/%2e%2e",
            FuzzCaller.Anonymous, null, null, false, "dot segment probe"))).Status == 400;
        Document = OpenApiOperations.Parse(await Api.CreateClient().GetStringAsync("/openapi/v1.json"));
        Snapshots = await DatabaseSnapshots.OpenAsync(Api.ConnectionString);
    }

    /// <summary>The experiment, its service key and peers, and the callers that depend on them.</summary>
    private async Task PrepareAsync()
    {
        _experiment = await Api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var url = $"/api/v1/experiments/{_experiment.OrganizationName}/{_experiment.ModelName}";
        var key = await (await Api.ClientFor("alice").PostWireAsync($"{url}/service-keys",
            new CreateServiceKeyRequest("fuzz", ["contributions:write", "checkpoints:write", "initial_peers:write"]))).ReadAsync<ServiceKeyResponse>(HttpStatusCode.Created);
        _peer = await DpopPeer.Create().JoinAsync(Api, url, "carol");
        var elsewhere = await Api.CreateExperimentAsync(policy: AccessPolicy.Open);
        var otherPeer = await DpopPeer.Create().JoinAsync(Api, $"/api/v1/experiments/{elsewhere.OrganizationName}/{elsewhere.ModelName}", "bob");
        _owned.AddRange([_peer, otherPeer]);
        _victim = await Api.CreateExperimentAsync();

        var audience = $"{_experiment.OrganizationName}/{_experiment.ModelName}";
        DisposeClients();
        var anonymous = Api.CreateClient();
        _clients[FuzzCaller.Anonymous] = (anonymous, null);
        _clients[FuzzCaller.Participant] = (Api.ClientFor("carol"), null);
        _clients[FuzzCaller.Owner] = (Api.ClientFor("alice"), null);
        _clients[FuzzCaller.GlobalAdmin] = (Api.ClientFor("root"), null);
        _clients[FuzzCaller.ServiceKey] = (Api.ClientWithToken(key.Secret), null);
        _clients[FuzzCaller.Peer] = (_peer.Client(Api), null);
        _clients[FuzzCaller.WrongAudiencePeer] = (otherPeer.Client(Api), null);
        _clients[FuzzCaller.JwtWithCnfNoAudAsDpop] =
            (Api.CreateDefaultClient(new DpopPeer.ProofHandler(_strangerKey, FuzzTokens.CnfWithoutAudience(_strangerKey))), null);
        _clients[FuzzCaller.ForgedExpiredPeerToken] =
            (Api.CreateDefaultClient(new DpopPeer.ProofHandler(_strangerKey, FuzzTokens.ForgedExpired(_strangerKey, audience))), null);
        var junk = FuzzValues.JunkAuthorizations.Concat(FuzzTokens.Malformed(_strangerKey).Select(t => "Bearer " + t)).ToArray();
        var next = 0;
        _clients[FuzzCaller.JunkAuthorization] = (anonymous, () => junk[next++ % junk.Length]);
        _clients[FuzzCaller.UnknownHfToken] = (anonymous, () => "Bearer hf_" + Guid.NewGuid().ToString("N"));
        _clients[FuzzCaller.UnknownServiceKey] = (anonymous, () => "Bearer msk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));
        _clients[FuzzCaller.JwtWithCnfNoAud] = (anonymous, () => "Bearer " + FuzzTokens.CnfWithoutAudience(_strangerKey));
        _clients[FuzzCaller.BarePeerToken] = (anonymous, () => "Bearer " + _peer.Joined!.Token);
        Context = new FuzzContext(_experiment.OrganizationName, _experiment.ModelName, _experiment.Id, _victim.OrganizationName,
            _victim.ModelName, _victim.Id, _peer.Joined!.PeerKeyFingerprint, _peer.Joined.Token, _peer.Joined.HivemindAccess, _joinKeys,
            AuthorizedCallers());
    }

    /// <summary>For each endpoint (by name, the OpenAPI operation id), the fixture's callers its access rule admits.</summary>
    private Dictionary<string, FuzzCaller[]> AuthorizedCallers() =>
        Api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, Rule: e.Metadata.GetMetadata<AccessRule>()))
            .Where(e => e.Name is not null && e.Rule is not null)
            .DistinctBy(e => e.Name)
            .ToDictionary(e => e.Name!, e => e.Rule!.Audience switch
            {
                Audience.Anyone => [FuzzCaller.Anonymous, FuzzCaller.Participant],
                Audience.SignedInUsers => [FuzzCaller.Participant, FuzzCaller.Owner],
                Audience.GlobalAdmins => [FuzzCaller.GlobalAdmin],
                Audience.ExperimentMembers when e.Rule.MinimumRole == ExperimentRole.None => [FuzzCaller.Participant, FuzzCaller.Owner],
                Audience.ExperimentMembers => [FuzzCaller.Owner, FuzzCaller.GlobalAdmin],
                Audience.ServiceKeys => [FuzzCaller.ServiceKey],
                Audience.Reporters => [FuzzCaller.ServiceKey, FuzzCaller.Peer],
                _ => new[] { FuzzCaller.Anonymous },
            });

    private void DisposeClients()
    {
        foreach (var client in _clients.Values.Select(c => c.Client).Distinct())
        {
            client.Dispose();
        }
        _clients.Clear();
    }

    public async Task<FuzzResponse> SendAsync(FuzzRequest request)
    {
        var (client, authorization) = _clients[request.Caller];
        if (request.Body is not null && request.Body.LongLength > Moderation.AuthApi.Infrastructure.BodySizeLimit.MaxBytes)
        {
            // A DPoP caller's proof is made by its client's handler; over the limit it goes without one.
            var credential = authorization?.Invoke() ?? client.DefaultRequestHeaders.Authorization?.ToString();
            IEnumerable<(string, string)> headers = [.. credential is null ? [] : new[] { ("Authorization", credential) },
                .. request.ContentType is null ? [] : new[] { ("Content-Type", request.ContentType) }];
            return await RawHttp.SendAsync(client.BaseAddress!, request.Method, request.Target, headers, request.Body, request.Chunked);
        }
        var uri = new Uri(client.BaseAddress!.ToString().TrimEnd('/') + request.Target,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", authorization());
        }
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }
            message.Headers.TransferEncodingChunked = request.Chunked;
        }
        using var response = await client.SendAsync(message);
        return new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(),
            await response.Content.ReadAsStringAsync(), response.Headers.ConnectionClose == true);
    }

    /// <summary>
    /// After a request that was served: waits for background work it started (rollbacks), and makes the experiments
    /// the run needs again if it deleted or renamed them. Returns whether the database changed meanwhile (then
    /// <paramref name="rebuilt"/> says why when a request deleted the fixture experiment).
    /// </summary>
    public async Task<(bool Changed, string? Rebuilt)> SettleAsync()
    {
        var sql = $"""
            SELECT (SELECT count(*) FROM rollbacks WHERE status IN ('Pending', 'Running')),
                   (SELECT count(*) FROM experiments WHERE id = {_experiment.Id}),
                   (SELECT organization_name || '/' || model_name FROM experiments WHERE id = {_victim.Id})
            """;
        var row = await Snapshots.RowAsync(sql);
        var changed = false;
        for (var i = 0; i < 100 && row[0] != "0"; i++, changed = true)
        {
            await Task.Delay(100);
            row = await Snapshots.RowAsync(sql);
        }
        if (row[1] == "0")
        {
            Rebuilds++;
            var deleted = _experiment.Id;
            await PrepareAsync();
            return (true, $"the fixture experiment {deleted} was deleted");
        }
        if (row[2]?.Split('/') is ["demo-org", var model])
        {
            Context = Context with { VictimModel = model };
            return (changed, null);
        }
        _victim = await Api.CreateExperimentAsync();
        Context = Context with { VictimOrg = _victim.OrganizationName, VictimModel = _victim.ModelName, VictimId = _victim.Id };
        return (true, null);
    }

    public async Task DisposeAsync()
    {
        DisposeClients();
        _owned.ForEach(o => o.Dispose());
        _strangerKey.Dispose();
        if (Snapshots is not null)
        {
            await Snapshots.DisposeAsync();
        }
        await ((IAsyncLifetime)Api).DisposeAsync();
    }
}

/// <summary>AuthApi on Kestrel (loopback, any free port); the leaderboard job runs only when asked, so nothing changes the database on its own during a run.</summary>
public sealed class FuzzApiFactory : AuthApiFactory
{
    public FuzzApiFactory() => UseKestrel(0);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Contributions:LeaderboardCron", AuthApiFactory.Never);
    }
}

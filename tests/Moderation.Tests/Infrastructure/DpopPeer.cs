using System.Net.Http.Headers;
using System.Security.Cryptography;
using Moderation.Contracts.Join;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Infrastructure;

/// <summary>
/// A training peer as the service expects it: its own RSA key pair, the token a join gave it, and a fresh DPoP proof on
/// every request it sends (<c>Authorization: DPoP &lt;token&gt;</c> + <c>DPoP: &lt;proof&gt;</c>).
/// </summary>
public sealed class DpopPeer : IDisposable
{
    private DpopPeer(RSA key) => Key = key;

    public RSA Key { get; }
    public string PublicKey => OpenSshRsaKey.Format(Key.ExportParameters(false));
    public JoinResponse? Joined { get; private set; }

    public static DpopPeer Create() => new(RSA.Create(2048));

    /// <summary>Joins <paramref name="url"/> (an experiment's API path) as <paramref name="username"/> with this peer's key.</summary>
    public async Task<DpopPeer> JoinAsync(AuthApiFactory api, string url, string username)
    {
        Joined = await (await api.ClientFor(username).PostWireAsync($"{url}/join", new JoinInput(PublicKey))).ReadAsync<JoinResponse>();
        return this;
    }

    /// <summary>A client that signs a proof for each request with this peer's key (or <paramref name="proofKey"/>, to impersonate).</summary>
    public HttpClient Client(AuthApiFactory api, RSA? proofKey = null) =>
        api.CreateDefaultClient(new ProofHandler(proofKey ?? Key, Joined!.Token));

    public void Dispose() => Key.Dispose();

    /// <summary>Adds the DPoP authorization and a new proof (new jti, now) to each request.</summary>
    public sealed class ProofHandler(RSA key, string token) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = new UriBuilder(request.RequestUri!) { Query = "", Fragment = "" }.Uri.ToString();
            request.Headers.Authorization = new AuthenticationHeaderValue(DpopProof.Scheme, token);
            request.Headers.Add(DpopProof.HeaderName, DpopProof.Create(key, request.Method.Method, url, token, DateTimeOffset.UtcNow));
            return base.SendAsync(request, cancellationToken);
        }
    }
}

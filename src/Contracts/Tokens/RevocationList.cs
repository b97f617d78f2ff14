using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.IdentityModel.Tokens;

namespace Moderation.Contracts.Tokens;

/// <summary>
/// What peers must refuse even though its signature is good: banned users, revoked peer keys and revoked tokens (JWT
/// <c>jti</c>s, and <see cref="HivemindTokenId"/>s for hivemind_access tokens), signed by the experiment as a compact
/// JWS. <see cref="Version"/> only grows.
/// </summary>
public sealed record RevocationList(
    [property: JsonPropertyName("experiment")] string Experiment,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("issued_at")] long IssuedAt,
    [property: JsonPropertyName("banned_usernames")] IReadOnlyList<string> BannedUsernames,
    [property: JsonPropertyName("revoked_peer_keys")] IReadOnlyList<string> RevokedPeerKeys,
    [property: JsonPropertyName("revoked_token_ids")] IReadOnlyList<string> RevokedTokenIds)
{
    public const string MediaType = "application/jose";
    private const string Type = "revocation-list+jws";

    private HashSet<string>? _banned;
    private HashSet<string>? _keys;
    private HashSet<string>? _tokens;

    public bool IsBanned(string username) => (_banned ??= new HashSet<string>(BannedUsernames, StringComparer.Ordinal)).Contains(username);

    public bool IsPeerKeyRevoked(string fingerprint) => (_keys ??= new HashSet<string>(RevokedPeerKeys, StringComparer.Ordinal)).Contains(fingerprint);

    public bool IsTokenRevoked(string tokenId) => IsTokenRevoked(tokenId.AsSpan());

    public bool IsTokenRevoked(ReadOnlySpan<char> tokenId) =>
        RevokedTokenIds.Count > 0
        && (_tokens ??= new HashSet<string>(RevokedTokenIds, StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>().Contains(tokenId);

    /// <summary>Whether the hivemind_access token with this signature is revoked (by its <see cref="HivemindTokenId"/>).</summary>
    public bool IsHivemindTokenRevoked(string signature)
    {
        if (RevokedTokenIds.Count == 0)
        {
            return false;
        }
        Span<char> id = stackalloc char[HivemindTokenIdLength];
        WriteHivemindTokenId(signature, id);
        return IsTokenRevoked(id);
    }

    /// <summary>The id a hivemind_access token is revoked by: "h:" and the base64url SHA-256 of its signature, first 16 bytes.</summary>
    public static string HivemindTokenId(string signature)
    {
        Span<char> id = stackalloc char[HivemindTokenIdLength];
        WriteHivemindTokenId(signature, id);
        return new string(id);
    }

    private const int HivemindTokenIdLength = 2 + 22;

    private static void WriteHivemindTokenId(string signature, Span<char> id)
    {
        var ascii = signature.Length <= 1024 ? stackalloc byte[signature.Length] : new byte[signature.Length];
        Encoding.ASCII.GetBytes(signature, ascii);
        Span<byte> hash = stackalloc byte[32];
        RsaPss.Sha256(ascii, hash);
        "h:".CopyTo(id);
        System.Buffers.Text.Base64Url.EncodeToChars(hash[..16], id[2..]);
    }

    /// <summary>Signs the list as a compact JWS (PS256) with the experiment's current key.</summary>
    public string Sign(SigningCredentials credentials) => CompactJws.Sign(this, Type, credentials);

    /// <summary>Checks the JWS against the experiment's keys and returns the list, or null with the reason.</summary>
    public static async Task<(RevocationList? List, string? Error)> VerifyAsync(string jws, ExperimentKeySet keys, string experiment)
    {
        var (list, error) = await CompactJws.VerifyAsync<RevocationList>(jws, keys, Type);
        return list is not null && list.Experiment != experiment ? (null, $"The list is not for {experiment}.") : (list, error);
    }
}

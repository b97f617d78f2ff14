using System.Text.Json;
using Moderation.Contracts.Tokens;

using Moderation.Tests.Infrastructure;

namespace Moderation.Tests.Tokens;

/// <summary>
/// Tokens produced by Python's <c>cryptography</c> the way the reference server signs them (maximum PSS salt). The copy
/// in Tokens/Vectors is the one in shared/vectors; when shared/ sits beside the checkout, that one is read instead.
/// </summary>
public sealed class SharedVectorTests
{
    private static readonly JsonElement Vectors = Load();

    public static TheoryData<int> Cases() => new(Enumerable.Range(0, Vectors.GetProperty("cases").GetArrayLength()));

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerifierAgreesWithEveryVector(int index)
    {
        var c = Vectors.GetProperty("cases")[index];
        using var keys = ExperimentKeySet.FromOpenSsh(Vectors.GetProperty("auth_server_public_key").GetString()!);
        // The vectors expire in 2031; judge them at a fixed earlier time so the test keeps its meaning.
        var verifier = new PeerTokenVerifier(keys, "demo-org/demo-model", AuthApiFactory.Issuer, new FixedClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var token = new HivemindAccess(c.GetProperty("username").GetString()!, c.GetProperty("peer_public_key").GetString()!,
            c.GetProperty("expiration_time_json").GetString()!, c.GetProperty("signature").GetString()!);

        var result = verifier.VerifyHivemindAccess(token, expectedPeerKey: token.PeerPublicKey);

        Assert.Equal(c.GetProperty("valid").GetBoolean(), result.IsValid);
        if (result.IsValid)
        {
            Assert.Equal(token.Username, result.Username);
        }
    }

    [Fact]
    public void OneVerifierAgreesWithEveryVectorAgainAndAgain()
    {
        // One verifier reuses its OpenSSL contexts: good and bad signatures in turn must not disturb each other.
        using var keys = ExperimentKeySet.FromOpenSsh(Vectors.GetProperty("auth_server_public_key").GetString()!);
        var verifier = new PeerTokenVerifier(keys, "demo-org/demo-model", AuthApiFactory.Issuer, new FixedClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var cases = Vectors.GetProperty("cases").EnumerateArray().ToList();
        for (var round = 0; round < 3; round++)
        {
            foreach (var c in cases)
            {
                var token = new HivemindAccess(c.GetProperty("username").GetString()!, c.GetProperty("peer_public_key").GetString()!,
                    c.GetProperty("expiration_time_json").GetString()!, c.GetProperty("signature").GetString()!);
                Assert.Equal(c.GetProperty("valid").GetBoolean(), verifier.VerifyHivemindAccess(token, token.PeerPublicKey).IsValid);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignedMessageIsRenderedExactlyAsPythonDoes(int index)
    {
        var c = Vectors.GetProperty("cases")[index];
        Assert.True(HivemindAccess.TryParseExpiration(c.GetProperty("expiration_time_json").GetString(), out var expiration));
        var message = HivemindAccess.SignedMessage(c.GetProperty("username").GetString()!, c.GetProperty("peer_public_key").GetString()!, expiration);
        Assert.Equal(c.GetProperty("signed_message").GetString(), System.Text.Encoding.UTF8.GetString(message));
        Assert.Equal(c.GetProperty("expiration_time_json").GetString(), HivemindAccess.FormatExpiration(expiration));
    }

    [Fact]
    public void ValidVectorFailsOnceExpired()
    {
        var c = Vectors.GetProperty("cases")[0];
        using var keys = ExperimentKeySet.FromOpenSsh(Vectors.GetProperty("auth_server_public_key").GetString()!);
        var verifier = new PeerTokenVerifier(keys, "demo-org/demo-model", AuthApiFactory.Issuer, new FixedClock(new DateTimeOffset(2031, 5, 17, 8, 32, 0, TimeSpan.Zero)));
        var token = new HivemindAccess(c.GetProperty("username").GetString()!, c.GetProperty("peer_public_key").GetString()!,
            c.GetProperty("expiration_time_json").GetString()!, c.GetProperty("signature").GetString()!);
        var result = verifier.VerifyHivemindAccess(token);
        Assert.False(result.IsValid);
        Assert.Contains("expired", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidVectorIsRefusedForAnotherPeerKey()
    {
        var c = Vectors.GetProperty("cases")[0];
        using var keys = ExperimentKeySet.FromOpenSsh(Vectors.GetProperty("auth_server_public_key").GetString()!);
        var verifier = new PeerTokenVerifier(keys, "demo-org/demo-model", AuthApiFactory.Issuer, new FixedClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var token = new HivemindAccess(c.GetProperty("username").GetString()!, c.GetProperty("peer_public_key").GetString()!,
            c.GetProperty("expiration_time_json").GetString()!, c.GetProperty("signature").GetString()!);
        var result = verifier.VerifyHivemindAccess(token, expectedPeerKey: Vectors.GetProperty("auth_server_public_key").GetString());
        Assert.False(result.IsValid);
        Assert.Contains("another peer key", result.Reason, StringComparison.Ordinal);
    }

    private static JsonElement Load()
    {
        var shared = FindShared();
        var path = shared ?? Path.Combine(AppContext.BaseDirectory, "Tokens", "Vectors", "hivemind-access.json");
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private static string? FindShared()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "vectors", "hivemind-access.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}

public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

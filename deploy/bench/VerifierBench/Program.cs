using System.Diagnostics;
using System.Runtime;
using System.Security.Cryptography;
using Moderation.Contracts.Tokens;

namespace Moderation.VerifierBench;

/// <summary>
/// How many peer tokens the Contracts verifier checks per second on one thread (one core): hivemind_access tokens and
/// PS256 JWTs, each bound to its peer key and checked against a revocation list, as a peer checks the tokens of the
/// peers it talks to.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
        using var authority = RSA.Create(2048);
        var kid = "bench";
        var jwks = new JsonWebKeySet([JsonWebKey.FromRsa(kid, authority.ExportParameters(false))]);
        using var keys = ExperimentKeySet.FromJwks(jwks);
        using var signer = RsaPss.Handle(authority.ExportParameters(true));
        var verifier = new PeerTokenVerifier(keys, "bench-org/bench-model", "https://auth.bench.example");

        var peerKeys = Enumerable.Range(0, 16).Select(_ => { using var rsa = RSA.Create(2048); return OpenSshRsaKey.Format(rsa.ExportParameters(false)); }).ToArray();
        var expires = DateTime.UtcNow.AddHours(1);
        expires = expires.AddTicks(-(expires.Ticks % TimeSpan.TicksPerSecond));
        var hivemind = peerKeys.Select((key, i) => new HivemindAccess($"user{i}", key, HivemindAccess.FormatExpiration(expires),
            Convert.ToBase64String(RsaPss.Sign(signer, HivemindAccess.SignedMessage($"user{i}", key, expires))))).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var credentials = PeerJwt.Credentials(kid, authority);
        var jwts = peerKeys.Select((key, i) => PeerJwt.Create(new PeerTokenClaims("https://auth.bench.example", $"id{i}", $"user{i}", "bench-org/bench-model",
            now, now, now + 3600, Guid.NewGuid().ToString(), new Confirmation(OpenSshRsaKey.Parse(key).Fingerprint)), credentials)).ToArray();

        // What a peer holds in practice: a list with a hundred bans and ten thousand revoked tokens (none of these).
        verifier.Revocations = new RevocationList("bench-org/bench-model", 1, now,
            Enumerable.Range(0, 100).Select(i => $"banned{i}").ToList(), [],
            Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid().ToString()).ToList());
        var hivemindRate = Measure(seconds, i => verifier.VerifyHivemindAccess(hivemind[i % 16], peerKeys[i % 16]).IsValid);
        var jwtRate = Measure(seconds, i => Completed(verifier.VerifyJwtAsync(jwts[i % 16], peerKeys[i % 16])).IsValid);
        Console.WriteLine($"verifier_hivemind_per_second={hivemindRate.PerCpuSecond:F0}");
        Console.WriteLine($"verifier_jwt_per_second={jwtRate.PerCpuSecond:F0}");
        Console.WriteLine($"verifier_hivemind_per_wall_second={hivemindRate.PerWallSecond:F0}");
        Console.WriteLine($"verifier_jwt_per_wall_second={jwtRate.PerWallSecond:F0}");
    }

    /// <returns>Verifications per CPU second of this process (how <c>openssl speed</c> counts, so a busy machine does
    /// not skew the comparison), and per wall-clock second, once warm.</returns>
    private static (double PerCpuSecond, double PerWallSecond) Measure(double seconds, Func<int, bool> verify)
    {
        WarmUp(verify);
        var count = 0;
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 500; i++)
            {
                Check(verify(count++));
            }
        }
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (count / (process.TotalProcessorTime - cpu).TotalSeconds, count / wall);
    }

    /// <summary>
    /// Runs <paramref name="verify"/> until the JIT has settled: tiered compilation recompiles the hot path (over a
    /// thousand methods, most of them the JWT library's) in bursts seconds apart for the first ~10 s on a busy core, and
    /// that CPU time, and the slower code before it, would otherwise be counted against the verifier. At least 10 s, then
    /// until no method was compiled for 3 s; at most 30 s. What a long-running peer sees is the warm rate.
    /// </summary>
    private static void WarmUp(Func<int, bool> verify)
    {
        var clock = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        var lastCompile = TimeSpan.Zero;
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(30); i++)
        {
            Check(verify(i));
            if (i % 256 != 0)
            {
                continue;
            }
            if (JitInfo.GetCompiledMethodCount() is var now && now != compiled)
            {
                compiled = now;
                lastCompile = clock.Elapsed;
            }
            if (clock.Elapsed > TimeSpan.FromSeconds(10) && clock.Elapsed - lastCompile > TimeSpan.FromSeconds(3))
            {
                break;
            }
        }
        Console.Error.WriteLine($"warm after {clock.Elapsed.TotalSeconds:F0} s ({compiled} methods compiled)");
    }

    /// <summary>The verifier finishes JWTs synchronously; should it ever not, the bench waits as a caller would.</summary>
    private static T Completed<T>(ValueTask<T> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    private static void Check(bool valid)
    {
        if (!valid)
        {
            throw new InvalidOperationException("A token that should verify did not.");
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Moderation.Contracts.Tokens;

namespace Moderation.Tests.Join;

/// <summary>
/// Checks a token exactly as hivemind's HuggingFaceAuthorizer.is_token_valid does, in Python with the machine's
/// <c>cryptography</c> (Debian's python3-cryptography verifies PSS.MAX_LENGTH strictly, like older hivemind installs).
/// </summary>
public static class HivemindClientCheck
{
    private const string Script = """
        import base64, json, sys
        from datetime import datetime
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        d = json.load(sys.stdin)
        authority = serialization.load_ssh_public_key(d["auth_server_public_key"].encode())
        t = d["hivemind_access"]
        public_key = t["peer_public_key"].encode()
        expiration_time = str(datetime.fromisoformat(t["expiration_time"]))
        data = f"{t['username']} {public_key} {expiration_time}".encode()
        try:
            authority.verify(base64.b64decode(t["signature"].encode()), data,
                             padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH), hashes.SHA256())
        except Exception as e:
            print("invalid: signature"); sys.exit(0)
        parsed = datetime.fromisoformat(t["expiration_time"])
        if parsed.tzinfo is not None:
            print("invalid: timezone"); sys.exit(0)
        if parsed < datetime.utcnow():
            print("invalid: expired"); sys.exit(0)
        print("valid")
        """;

    public static async Task<string> RunAsync(string authServerPublicKey, HivemindAccess token)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python, ["-c", Script])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var input = JsonSerializer.Serialize(new
        {
            auth_server_public_key = authServerPublicKey,
            hivemind_access = new
            {
                username = token.Username, peer_public_key = token.PeerPublicKey, expiration_time = token.ExpirationTime, signature = token.Signature,
            },
        });
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"python3 with cryptography is needed for this check: {error}");
        return output.Trim();
    }
}

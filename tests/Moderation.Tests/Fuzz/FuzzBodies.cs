using System.Globalization;
using System.Text.Json.Nodes;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// Builds a plausible JSON body from an operation's schema (field names the API knows get values it accepts), so that a
/// single mutation is the only thing wrong with it.
/// </summary>
public sealed class FuzzBodies(Random random)
{
    private int _counter;

    /// <param name="complete">Every optional field too, and arrays of one item (so a body's fields are the same each time).</param>
    public JsonNode? Valid(JsonObject schema, FuzzContext context, FuzzCaller caller, string name = "", bool complete = false)
    {
        if (KnownValue(name, context, caller) is { } known)
        {
            return known;
        }
        if (schema["enum"] is JsonArray values)
        {
            return values[random.Next(values.Count)]!.DeepClone();
        }
        return Schemas.MainType(schema) switch
        {
            "object" => Object(schema, context, caller, complete),
            "array" => new JsonArray(Enumerable.Range(0, complete ? 1 : random.Next(1, 3))
                .Select(_ => Valid(schema["items"]?.AsObject() ?? [], context, caller, Singular(name), complete)).ToArray()),
            "integer" => 1,
            "number" => 1.5,
            "boolean" => random.Next(2) == 0,
            _ when Schemas.Format(schema) == "date-time" => DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture),
            _ => "fz",
        };
    }

    private JsonObject Object(JsonObject schema, FuzzContext context, FuzzCaller caller, bool complete)
    {
        var required = Schemas.Required(schema);
        var result = new JsonObject();
        // Introspection takes a token or a hivemind_access, never both.
        var skipped = Schemas.Properties(schema).Any(p => p.Key == "hivemind_access") ? (random.Next(2) == 0 ? "token" : "hivemind_access") : null;
        foreach (var (property, propertySchema) in Schemas.Properties(schema))
        {
            if (property != skipped && (complete || required.Contains(property) || random.Next(2) == 0))
            {
                result[property] = Valid(propertySchema?.AsObject() ?? [], context, caller, property, complete);
            }
        }
        return result;
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    /// <summary>Values the API accepts for the fields it names (null: build from the schema).</summary>
    private JsonNode? KnownValue(string name, FuzzContext context, FuzzCaller caller)
    {
        var now = DateTimeOffset.UtcNow;
        return name switch
        {
            "organization_name" => context.Org,
            "model_name" => "fz-" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture),
            "coordinator_ip" => "192.0.2.1",
            "coordinator_port" => 4000 + random.Next(100),
            "token_lifetime_minutes" => 60,
            "max_peer_keys_per_user" => 100,
            "allowed_checkpoint_repositories" => new JsonArray("demo-org/fz"),
            "initial_peers" or "multiaddrs" => new JsonArray("/ip4/203.0.113.9/tcp/31337/p2p/QmTfeRJ2yafKRE1qpR5Ga3dJw2qTG7VPmXz5ooJ2K8AwBz"),
            "training_script_url" => "https://github.com/example/run",
            "peer_public_key" when caller is FuzzCaller.ServiceKey or FuzzCaller.Peer => context.PeerFingerprint,
            "peer_public_key" => context.JoinKeys.TryGetValue(caller, out var keys) ? keys[random.Next(keys.Count)] : context.JoinKeys.Values.First()[0],
            "username" => "bob",
            "usernames" => "bob\ncarol\n# a comment",
            "reason" => "fuzz",
            "evidence" => "https://example.org/evidence",
            "message" => "please",
            "expires_at" => now.AddDays(1).ToString("O", CultureInfo.InvariantCulture),
            "name" => "fz",
            "scopes" => new JsonArray("contributions:write"),
            "step" => random.Next(1, 1_000_000),
            "samples" => 100,
            "samples_per_second" => 10.0,
            "mini_steps" => 1,
            "loss" => 2.5,
            "time" => now.AddMinutes(-1).ToUnixTimeMilliseconds() / 1000.0,
            "repository" => "demo-org/fz",
            "revision" => Convert.ToHexStringLower(Enumerable.Range(0, 20).Select(_ => (byte)random.Next(256)).ToArray()),
            "created_at" => now.AddMinutes(-1).ToString("O", CultureInfo.InvariantCulture),
            "size_bytes" => 1000,
            "url" => "https://example.org/checkpoint",
            // A checkpoint id that does not exist: a rollback must never start from a fuzz request.
            "checkpoint_id" => 987_654_321,
            "token" => context.PeerToken,
            "hivemind_access" => System.Text.Json.JsonSerializer.SerializeToNode(context.PeerHivemindAccess, Contracts.Json.WireJson.Options),
            _ => null,
        };
    }
}

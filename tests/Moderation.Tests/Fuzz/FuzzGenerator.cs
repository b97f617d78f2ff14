using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// Generates malformed requests for the operations of the OpenAPI document from one seeded <see cref="Random"/>: the
/// same seed gives the same requests. Each request starts from a plausible one (real names, real credentials) and is
/// made wrong in one place — path, query, body field, whole body, content type, size, method — and sent as one of
/// the fixture's callers or with a credential that belongs to nobody.
/// </summary>
public sealed class FuzzGenerator
{
    private readonly Random _random;
    private readonly FuzzBodies _bodies;
    private readonly FuzzFieldBreaker _fields;
    private readonly FuzzBodyBreaker _wholeBodies;
    private readonly ILookup<string, string> _methodsByPath;
    private readonly Dictionary<(string, Part), int> _turns = [];

    public FuzzGenerator(int seed, IEnumerable<ApiOperation> operations)
    {
        _random = new Random(seed);
        _bodies = new FuzzBodies(_random);
        _fields = new FuzzFieldBreaker(_random);
        _wholeBodies = new FuzzBodyBreaker(_random);
        _methodsByPath = operations.ToLookup(o => o.PathTemplate.TrimEnd('/'), o => o.Method);
    }

    private enum Part { Valid, Path, Query, BodyField, WholeBody, ContentType, OverLimit, Method }

    private static readonly (Part Part, int Weight)[] Parts =
        [(Part.Valid, 6), (Part.Path, 12), (Part.Query, 12), (Part.BodyField, 40), (Part.WholeBody, 12), (Part.ContentType, 6), (Part.OverLimit, 3), (Part.Method, 4)];

    private static readonly (FuzzCaller Caller, int Weight)[] Callers =
    [
        (FuzzCaller.Owner, 25), (FuzzCaller.Participant, 12), (FuzzCaller.ServiceKey, 12), (FuzzCaller.Peer, 10), (FuzzCaller.Anonymous, 10),
        (FuzzCaller.GlobalAdmin, 5), (FuzzCaller.JunkAuthorization, 4), (FuzzCaller.UnknownHfToken, 3), (FuzzCaller.UnknownServiceKey, 3),
        (FuzzCaller.JwtWithCnfNoAud, 4), (FuzzCaller.JwtWithCnfNoAudAsDpop, 3), (FuzzCaller.ForgedExpiredPeerToken, 3),
        (FuzzCaller.WrongAudiencePeer, 3), (FuzzCaller.BarePeerToken, 3),
    ];

    public FuzzRequest Next(ApiOperation operation, FuzzContext context)
    {
        var caller = context.Authorized.TryGetValue(operation.Id, out var authorized) && _random.Next(10) < 7
            ? authorized[_random.Next(authorized.Length)]
            : Pick(Callers);
        var part = Pick(Parts);
        if (part == Part.Path && operation.PathParameters.Count == 0)
        {
            part = Part.Query;
        }
        if (part == Part.BodyField && operation.BodySchema is null)
        {
            part = Part.WholeBody;
        }
        var victim = FuzzContext.VictimOperations.Contains(operation.Id);
        var (path, pathMutation) = Path(operation, context, victim, part == Part.Path ? Turn(operation, part) : -1);
        var (query, queryMutation) = Query(operation, context, part == Part.Query ? Turn(operation, part) : -1);
        var method = operation.Method;
        string? methodMutation = null;
        if (part == Part.Method)
        {
            // Only methods the path does not have: another mapped method could be a valid DELETE of the fixture.
            var mapped = _methodsByPath[operation.PathTemplate.TrimEnd('/')].ToHashSet();
            var others = new[] { "GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FUZZ" }.Where(m => !mapped.Contains(m)).ToArray();
            method = others[_random.Next(others.Length)];
            methodMutation = $"method {method} instead of {operation.Method}";
        }

        // A field mutation starts from a body with every field, so each operation's fields are taken in turn.
        var json = operation.BodySchema is { } schema ? _bodies.Valid(schema, context, caller, complete: part == Part.BodyField) : null;
        string? contentType = json is null ? null : "application/json";
        var bodyMutation = "";
        if (part == Part.BodyField && json is not null)
        {
            bodyMutation = _fields.Break(json, operation.BodySchema!, Turn(operation, part));
        }
        var body = json is null ? null : Encoding.UTF8.GetBytes(FuzzValues.Json(json));
        var chunked = false;
        switch (part)
        {
            case Part.WholeBody:
                (body, bodyMutation) = _wholeBodies.WholeBody(body);
                contentType = "application/json";
                break;
            case Part.ContentType:
                (contentType, bodyMutation) = _wholeBodies.ContentType();
                body ??= "{}"u8.ToArray();
                break;
            case Part.OverLimit:
                chunked = _random.Next(2) == 0;
                body = FuzzBodyBreaker.OverLimit(body);
                contentType = "application/json";
                bodyMutation = $"body of {body.Length} bytes (over the 1 MiB limit){(chunked ? ", chunked" : "")}";
                break;
        }
        var mutation = part == Part.Valid ? "valid" : methodMutation ?? pathMutation ?? queryMutation ?? bodyMutation;
        return new FuzzRequest(operation, method, path + query, caller, contentType, body, chunked, mutation) { UsesVictim = victim };
    }

    /// <summary>A body with every field of <paramref name="operation"/>'s schema, as <paramref name="caller"/> would send it.</summary>
    public JsonNode CompleteBody(ApiOperation operation, FuzzContext context, FuzzCaller caller) =>
        _bodies.Valid(operation.BodySchema!, context, caller, complete: true)!;

    /// <summary>A request with a valid path and query for <paramref name="operation"/>, carrying <paramref name="body"/> and <paramref name="query"/> as given.</summary>
    public FuzzRequest Request(ApiOperation operation, FuzzContext context, FuzzCaller caller, JsonNode? body, string mutation, string? query = null)
    {
        var victim = FuzzContext.VictimOperations.Contains(operation.Id);
        var (path, _) = Path(operation, context, victim, -1);
        query ??= Query(operation, context, -1).Query;
        return new FuzzRequest(operation, operation.Method, path + query, caller, body is null ? null : "application/json",
            body is null ? null : Encoding.UTF8.GetBytes(FuzzValues.Json(body)), false, mutation) { UsesVictim = victim };
    }

    /// <summary>The how-manyth time <paramref name="part"/> of <paramref name="operation"/> is broken (from a random start): each
    /// turn takes the next place and, after every place had one, the next kind of bad value, so few requests cover much.</summary>
    private int Turn(ApiOperation operation, Part part)
    {
        var key = (operation.Id, part);
        var turn = _turns.TryGetValue(key, out var t) ? t : _random.Next(1000);
        _turns[key] = turn + 1;
        return turn;
    }

    private (string Path, string? Mutation) Path(ApiOperation operation, FuzzContext context, bool victim, int turn)
    {
        var parameters = operation.PathParameters;
        var broken = turn >= 0 ? parameters[turn % parameters.Count] : null;
        string? mutation = null;
        var path = System.Text.RegularExpressions.Regex.Replace(operation.PathTemplate, @"\{([^}]+)\}", m =>
        {
            var name = m.Groups[1].Value;
            if (name == broken)
            {
                var segment = FuzzValues.PathSegments[turn / parameters.Count % FuzzValues.PathSegments.Length];
                if (segment == FuzzValues.ValidThenLineFeed)
                {
                    segment = PathValue(name, operation, context, victim) + "%0a";
                }
                mutation = $"path {{{name}}} = {FuzzValues.Shorten(segment)}";
                return segment;
            }
            return PathValue(name, operation, context, victim);
        });
        return (path, mutation);
    }

    private string PathValue(string name, ApiOperation operation, FuzzContext context, bool victim) => name switch
    {
        "org" => victim ? context.VictimOrg : context.Org,
        "model" => victim ? context.VictimModel : context.Model,
        "id" when operation.PathTemplate.StartsWith("/api/experiments/", StringComparison.Ordinal) =>
            (victim ? context.VictimId : context.ExperimentId).ToString(CultureInfo.InvariantCulture),
        "id" when operation.Parameters.Any(p => p.Name == "id" && Schemas.Format(p.Schema) == "uuid") => new Guid(Bytes(16)).ToString(),
        "id" => _random.Next(1, 50).ToString(CultureInfo.InvariantCulture),
        "username" => _random.Next(3) switch { 0 => "bob", 1 => "BOB", _ => "no-such-user-" + _random.Next(1000) },
        // A key nobody holds: revoking the fixture's own peer would end its part in the run.
        "fingerprint" => Contracts.Tokens.Base64Url.Encode(Bytes(32)),
        _ => "fz",
    };

    private (string Query, string? Mutation) Query(ApiOperation operation, FuzzContext context, int turn)
    {
        var values = new List<(string Name, string Value)>();
        foreach (var parameter in operation.Query)
        {
            if (parameter.Required || _random.Next(2) == 0)
            {
                values.Add((parameter.Name, QueryValue(parameter.Name)));
            }
        }
        // The reference GET and join name the experiment in the query, which the document does not declare.
        if (operation.Id is "experiments:get-experiment-by-organization-and-model-name" or "experiments:join-experiment-by-organization-and-model-name")
        {
            values.Add(("organization_name", context.Org));
            values.Add(("model_name", context.Model));
        }
        string? mutation = null;
        if (turn >= 0)
        {
            // Each declared parameter in turn, and one nobody declared; paging parameters get the paging edges too.
            var names = operation.Query.Select(p => p.Name).Append("x" + _random.Next(100)).ToList();
            var name = names[turn % names.Count];
            var round = turn / names.Count;
            var value = name is "page" or "page_size" && round % 2 == 0
                ? FuzzValues.PageValues[round / 2 % FuzzValues.PageValues.Length]
                : FuzzValues.QueryValues[round % FuzzValues.QueryValues.Length];
            switch (_random.Next(6))
            {
                case 0:
                    values.Add((name, value));
                    mutation = $"query {name} given twice, once as {FuzzValues.Shorten(value)}";
                    break;
                case 1 when values.Any(v => v.Name == name):
                    values.RemoveAll(v => v.Name == name);
                    mutation = $"query {name} left out";
                    break;
                default:
                    values.RemoveAll(v => v.Name == name);
                    values.Add((name, value));
                    mutation = $"query {name}={FuzzValues.Shorten(value)}";
                    break;
            }
        }
        return (values.Count == 0 ? "" : "?" + string.Join('&', values.Select(v => $"{v.Name}={v.Value}")), mutation);
    }

    private string QueryValue(string name) => name switch
    {
        "page" => "1",
        "page_size" => _random.Next(1, 60).ToString(CultureInfo.InvariantCulture),
        "window" => new[] { "all", "7d", "24h" }[_random.Next(3)],
        "status" => new[] { "pending", "approved", "rejected", "all" }[_random.Next(4)],
        "flag" => new[] { "clipped", "rolled_back", "unattributed" }[_random.Next(3)],
        "include_lifted" => "true",
        "username" or "actor" => "bob",
        "checkpointId" => "987654321",
        _ => "fz",
    };

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>((T Value, int Weight)[] choices)
    {
        var roll = _random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }
        return choices[^1].Value;
    }
}

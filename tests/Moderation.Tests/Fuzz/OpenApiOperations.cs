using System.Text.Json.Nodes;

namespace Moderation.Tests.Fuzz;

/// <summary>A parameter of an operation as the OpenAPI document declares it.</summary>
public sealed record ApiParameter(string Name, string In, bool Required, JsonObject Schema);

/// <summary>One operation of the OpenAPI document: method, path template, parameters and JSON body schema (references resolved).</summary>
public sealed record ApiOperation(string Method, string PathTemplate, string Id, IReadOnlyList<ApiParameter> Parameters, JsonObject? BodySchema)
{
    /// <summary>Names of the template's <c>{parameters}</c>, in order (the document does not declare all of them).</summary>
    public IReadOnlyList<string> PathParameters { get; } =
        [.. System.Text.RegularExpressions.Regex.Matches(PathTemplate, @"\{([^}]+)\}").Select(m => m.Groups[1].Value)];

    public IEnumerable<ApiParameter> Query => Parameters.Where(p => p.In == "query");

    public override string ToString() => $"{Method} {PathTemplate}";
}

/// <summary>Reads the app's own OpenAPI document into <see cref="ApiOperation"/>s.</summary>
public sealed class OpenApiOperations
{
    private readonly JsonObject _schemas;

    private OpenApiOperations(JsonObject document)
    {
        _schemas = document["components"]?["schemas"]?.AsObject() ?? [];
        var operations = new List<ApiOperation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method == "parameters")
                {
                    continue;
                }
                var parameters = (operation!["parameters"]?.AsArray() ?? []).Select(p => new ApiParameter(
                    p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), p["required"]?.GetValue<bool>() ?? false,
                    Resolve(p["schema"]?.AsObject()) ?? [])).ToList();
                var body = Resolve(operation["requestBody"]?["content"]?["application/json"]?["schema"]?.AsObject());
                operations.Add(new ApiOperation(method.ToUpperInvariant(), path, operation["operationId"]?.GetValue<string>() ?? $"{method} {path}",
                    parameters, body));
            }
        }
        All = operations;
    }

    public IReadOnlyList<ApiOperation> All { get; }

    public static OpenApiOperations Parse(string json) => new(JsonNode.Parse(json)!.AsObject());

    /// <summary>The schema with <c>$ref</c> followed and a nullable <c>oneOf [null, X]</c> reduced to X (a copy; nested properties resolved too).</summary>
    public JsonObject? Resolve(JsonObject? schema, int depth = 0)
    {
        if (schema is null || depth > 8)
        {
            return schema?.DeepClone().AsObject();
        }
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return Resolve(_schemas[reference.Split('/')[^1]]?.AsObject(), depth + 1);
        }
        if (schema["oneOf"]?.AsArray() is { } oneOf && oneOf.FirstOrDefault(s => s?["type"]?.ToString() != "null") is JsonObject actual)
        {
            return Resolve(actual, depth + 1);
        }
        var copy = schema.DeepClone().AsObject();
        if (copy["properties"] is JsonObject properties)
        {
            foreach (var name in properties.Select(p => p.Key).ToList())
            {
                properties[name] = Resolve(properties[name]?.AsObject(), depth + 1);
            }
        }
        if (copy["items"] is JsonObject items)
        {
            copy["items"] = Resolve(items, depth + 1);
        }
        return copy;
    }
}

/// <summary>What a schema says about one value: its types, format, enum, bounds.</summary>
public static class Schemas
{
    /// <summary>The schema's types, without <c>null</c> (e.g. <c>integer</c>, <c>string</c> for a number that may come as text).</summary>
    public static IReadOnlyList<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray types => [.. types.Select(t => t!.GetValue<string>()).Where(t => t != "null")],
        JsonValue type => [type.GetValue<string>()],
        _ when schema["enum"] is not null => ["string"],
        _ => [],
    };

    public static string MainType(JsonObject schema) => Types(schema) is [var first, ..] ? first : "object";

    public static bool AllowsNull(JsonObject schema) =>
        schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null");

    public static IReadOnlyList<string> Required(JsonObject schema) =>
        [.. schema["required"]?.AsArray().Select(r => r!.GetValue<string>()) ?? []];

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Properties(JsonObject schema) =>
        schema["properties"]?.AsObject() ?? [];

    public static string? Format(JsonObject schema) => schema["format"]?.GetValue<string>();

    public static double? Number(JsonObject schema, string keyword) => schema[keyword] switch
    {
        JsonValue value when value.TryGetValue<double>(out var number) => number,
        JsonValue value when double.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}

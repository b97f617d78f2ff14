using System.Globalization;
using System.Text.Json.Nodes;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// The OpenAPI document tells the truth: every field and parameter it marks required is refused when missing (or
/// null), and every bound it states (enum, integer format, minimum/maximum, maxLength) is refused when overstepped —
/// each time with a 400/422 that names the field, sent by a caller the endpoint admits.
/// </summary>
[Collection(FuzzGroup.Name)]
public sealed class OpenApiTruthTests(FuzzTarget target, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task WhatTheDocumentRequiresIsRefusedWhenMissingOrNull()
    {
        var failures = new List<string>();
        var checks = 0;
        var generator = new FuzzGenerator(FuzzTests.DefaultSeed, target.Document.All);
        foreach (var operation in target.Document.All.Where(o => o.BodySchema is not null))
        {
            var caller = target.Context.Authorized[operation.Id][0];
            var fields = Fields(generator.CompleteBody(operation, target.Context, caller), operation.BodySchema!, "$").Where(f => f.Required).ToList();
            foreach (var field in fields)
            {
                foreach (var missing in new[] { true, false })
                {
                    var body = generator.CompleteBody(operation, target.Context, caller);
                    var container = Locate(body, field.Path);
                    if (missing)
                    {
                        container.Remove(field.Name);
                    }
                    else
                    {
                        container[field.Name] = null;
                    }
                    checks++;
                    await ExpectRefusalAsync(generator.Request(operation, target.Context, caller, body, $"{field.Path} {(missing ? "missing" : "null")}"),
                        field.Name, failures);
                }
            }
        }
        foreach (var operation in target.Document.All)
        {
            foreach (var parameter in operation.Query.Where(p => p.Required))
            {
                var caller = target.Context.Authorized[operation.Id][0];
                var query = string.Join('&', operation.Query.Where(p => p.Required && p != parameter).Select(p => $"{p.Name}=1"));
                checks++;
                await ExpectRefusalAsync(generator.Request(operation, target.Context, caller, Body(generator, operation, caller),
                    $"query {parameter.Name} missing", "?" + query), parameter.Name, failures);
            }
        }
        output.WriteLine($"{checks} required fields and parameters checked (missing and null)");
        Assert.True(checks >= 50, $"only {checks} required fields and parameters checked");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} required fields are not refused:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task WhatTheDocumentBoundsIsRefusedOutOfBounds()
    {
        var failures = new List<string>();
        var bounds = new List<string>();
        var checks = 0;
        var generator = new FuzzGenerator(FuzzTests.DefaultSeed, target.Document.All);
        foreach (var operation in target.Document.All.Where(o => o.BodySchema is not null))
        {
            var caller = target.Context.Authorized[operation.Id][0];
            foreach (var field in Fields(generator.CompleteBody(operation, target.Context, caller), operation.BodySchema!, "$"))
            {
                foreach (var (value, bound) in OutOfBounds(field.Schema))
                {
                    var body = generator.CompleteBody(operation, target.Context, caller);
                    Locate(body, field.Path)[field.Name] = value;
                    checks++;
                    bounds.Add($"{operation.Id} {field.Path}.{field.Name}: {bound}");
                    await ExpectRefusalAsync(generator.Request(operation, target.Context, caller, body, $"{field.Path} = {bound}"), field.Name, failures);
                }
            }
            foreach (var parameter in operation.Query)
            {
                foreach (var (value, bound) in OutOfBounds(parameter.Schema))
                {
                    checks++;
                    await ExpectRefusalAsync(generator.Request(operation, target.Context, caller, Body(generator, operation, caller),
                        $"query {parameter.Name} = {bound}", $"?{parameter.Name}={Uri.EscapeDataString(value?.ToJsonString().Trim('"') ?? "")}"),
                        parameter.Name, failures);
                }
            }
        }
        output.WriteLine($"{checks} documented bounds checked: {string.Join("; ", bounds)}");
        Assert.True(checks >= 30, $"only {checks} bounds checked");
        Assert.True(failures.Count == 0, $"{failures.Count} of {checks} documented bounds are not enforced:\n" + string.Join("\n", failures));
    }

    private JsonNode? Body(FuzzGenerator generator, ApiOperation operation, FuzzCaller caller) =>
        operation.BodySchema is null ? null : generator.CompleteBody(operation, target.Context, caller);

    /// <summary>Values just beyond what <paramref name="schema"/> allows, with how they overstep it.</summary>
    private static IEnumerable<(JsonNode? Value, string Bound)> OutOfBounds(JsonObject schema)
    {
        if (schema["enum"] is JsonArray)
        {
            yield return ("not-a-member", "a value outside the enum");
        }
        var format = Schemas.Format(schema);
        if (Schemas.MainType(schema) == "integer" && format is "int32" or "int64")
        {
            var beyond = format == "int32" ? "2147483648" : "9223372036854775808";
            yield return (JsonNode.Parse(beyond), $"{beyond}, beyond {format}");
        }
        if (Schemas.Number(schema, "minimum") is { } minimum)
        {
            yield return (minimum - Math.Max(1, Math.Abs(minimum) / 1000), $"below the minimum {minimum.ToString(CultureInfo.InvariantCulture)}");
        }
        if (Schemas.Number(schema, "maximum") is { } maximum)
        {
            yield return (maximum + Math.Max(1, Math.Abs(maximum) / 1000), $"above the maximum {maximum.ToString(CultureInfo.InvariantCulture)}");
        }
        if (Schemas.Number(schema, "maxLength") is { } maxLength)
        {
            yield return (new string('a', (int)maxLength + 1), $"longer than maxLength {maxLength}");
        }
    }

    private sealed record Field(string Path, string Name, JsonObject Schema, bool Required);

    /// <summary>The fields of a body as its schema describes them, nested objects and the first item of arrays included.</summary>
    private static IEnumerable<Field> Fields(JsonNode? node, JsonObject schema, string path)
    {
        if (node is JsonArray { Count: > 0 } array && schema["items"] is JsonObject items)
        {
            foreach (var field in Fields(array[0], items, $"{path}[0]"))
            {
                yield return field;
            }
        }
        if (node is not JsonObject obj)
        {
            yield break;
        }
        var required = Schemas.Required(schema);
        foreach (var (name, propertySchema) in Schemas.Properties(schema))
        {
            if (propertySchema is not JsonObject property || !obj.ContainsKey(name))
            {
                continue;
            }
            yield return new Field(path, name, property, required.Contains(name));
            foreach (var nested in Fields(obj[name], property, $"{path}.{name}"))
            {
                yield return nested;
            }
        }
    }

    /// <summary>The object at <paramref name="path"/> (<c>$</c>, <c>$.a</c>, <c>$.reports[0]</c>, …).</summary>
    private static JsonObject Locate(JsonNode root, string path)
    {
        var node = root;
        foreach (var step in path.Split('.').Skip(1))
        {
            var bracket = step.IndexOf('[', StringComparison.Ordinal);
            node = bracket < 0 ? node[step]! : node[step[..bracket]]![int.Parse(step[(bracket + 1)..^1], CultureInfo.InvariantCulture)]!;
        }
        return node.AsObject();
    }

    private async Task ExpectRefusalAsync(FuzzRequest request, string field, List<string> failures)
    {
        var answer = await target.SendAsync(request);
        if (answer.Status is not (400 or 422) || FuzzOracle.Check(request, answer) is not null)
        {
            failures.Add($"{request} → {answer.Status} {Shorten(answer.Body)}");
        }
        else if (!answer.Body.Contains(field, StringComparison.Ordinal))
        {
            failures.Add($"{request} → {answer.Status} without naming '{field}': {Shorten(answer.Body)}");
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

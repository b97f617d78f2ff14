using System.Text.Json.Nodes;

namespace Moderation.Tests.Fuzz;

/// <summary>
/// Breaks one field of a JSON body (anywhere in it, nested ones too): each turn takes the next field and, once every
/// field had one, the next kind of breakage. Draws from the generator's <see cref="Random"/>, so a seed still gives the same requests.
/// </summary>
public sealed class FuzzFieldBreaker(Random random)
{
    /// <summary>The kinds of breakage a field gets, in this order, once every field had the one before.</summary>
    private enum Breakage { Hostile, Missing, Null, WrongType, Extra, Huge, TrailingLineFeed }

    private static readonly Breakage[] Breakages =
    [
        Breakage.Hostile, Breakage.Hostile, Breakage.Missing, Breakage.Null, Breakage.Hostile, Breakage.WrongType, Breakage.Hostile,
        Breakage.Extra, Breakage.Hostile, Breakage.Huge, Breakage.Hostile, Breakage.TrailingLineFeed, Breakage.Hostile,
    ];

    /// <summary>Strings that a field of text must refuse or carry safely, in the order they are tried.</summary>
    private static readonly string[] HostileStrings =
        ["\u0000", FuzzValues.LoneHigh, "a\u0001b", "", FuzzValues.LoneLow, "a\u0000b", "\u001b[0m", new string('x', 5000), "\u007f", "\u0085", " "];

    /// <summary>Breaks one field (anywhere in the body, nested ones too), chosen by <paramref name="turn"/>, and says how.</summary>
    public string Break(JsonNode root, JsonObject schema, int turn)
    {
        var slots = new List<Slot>();
        Collect(root, schema, "$", slots);
        if (slots.Count == 0)
        {
            return "body unchanged (no fields)";
        }
        var (container, key, index, path, type) = slots[turn % slots.Count];
        var round = turn / slots.Count;
        JsonNode? value;
        string what;
        switch (Breakages[round % Breakages.Length])
        {
            case Breakage.Missing when key is not null:
                container.AsObject().Remove(key);
                return $"{path} missing";
            case Breakage.Null:
                (value, what) = (null, "null");
                break;
            case Breakage.WrongType:
                what = FuzzValues.OtherJson[random.Next(FuzzValues.OtherJson.Length)];
                value = JsonNode.Parse(what);
                break;
            case Breakage.Extra when container is JsonObject extra:
                var name = new[] { "zzz", "__proto__", "$type", "constructor", "id", "Organization_Name", "" }[random.Next(7)];
                extra[name] = JsonValue.Create("extra");
                return $"extra field '{name}' beside {path}";
            case Breakage.TrailingLineFeed when (key is not null ? container.AsObject()[key] : container.AsArray()[index]) is JsonValue current && current.TryGetValue<string>(out var text):
                // The plausible value with a final line feed: what a .NET regex's $ lets through.
                (value, what) = (text + "\n", JsonValue.Create(text + "\n").ToJsonString());
                break;
            case Breakage.Huge:
                (value, what) = (FuzzValues.Huge(random), "a 100 KB string");
                break;
            case Breakage.Hostile when type is "integer" or "number":
                what = FuzzValues.Numbers[(round / 2 + random.Next(3)) % FuzzValues.Numbers.Length];
                value = JsonNode.Parse(what);
                break;
            case Breakage.Hostile when type is "string" or "":
                var hostile = HostileStrings[round / 2 % HostileStrings.Length];
                (value, what) = (hostile, JsonValue.Create(hostile).ToJsonString());
                break;
            default:
                var other = FuzzValues.Strings[random.Next(FuzzValues.Strings.Length)];
                (value, what) = (other, JsonValue.Create(other).ToJsonString());
                break;
        }
        if (key is not null)
        {
            container.AsObject()[key] = value;
        }
        else
        {
            container.AsArray()[index] = value;
        }
        return $"{path} = {FuzzValues.Shorten(what)}";
    }

    /// <summary>A place in a body that can be broken: a property of an object (present or only in the schema) or an array item.</summary>
    private sealed record Slot(JsonNode Container, string? Key, int Index, string Path, string Type);

    private static void Collect(JsonNode? node, JsonObject? schema, string path, List<Slot> slots)
    {
        if (node is JsonObject obj)
        {
            var names = obj.Select(p => p.Key).Union(Schemas.Properties(schema ?? []).Select(p => p.Key)).ToList();
            foreach (var name in names)
            {
                var propertySchema = schema?["properties"]?[name]?.AsObject();
                slots.Add(new Slot(obj, name, -1, $"{path}.{name}", propertySchema is null ? "" : Schemas.MainType(propertySchema)));
                Collect(obj[name], propertySchema, $"{path}.{name}", slots);
            }
        }
        else if (node is JsonArray array)
        {
            var items = schema?["items"]?.AsObject();
            for (var i = 0; i < array.Count; i++)
            {
                slots.Add(new Slot(array, null, i, $"{path}[{i}]", items is null ? "" : Schemas.MainType(items)));
                Collect(array[i], items, $"{path}[{i}]", slots);
            }
        }
    }
}

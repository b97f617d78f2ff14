using System.Text.Json;
using System.Text.Json.Serialization;
using Moderation.Contracts.Validation;

namespace Moderation.Contracts.Json;

/// <summary>Reads JSON strings that are <see cref="PlainText"/> and refuses the others, so no handler ever sees a NUL.</summary>
public sealed class PlainTextConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException();
        }
        var text = reader.GetString()!;
        return PlainText.Problem(text) is { } problem ? throw new UnsafeTextException($"This text is not accepted: {problem}.") : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A JSON string refused by <see cref="PlainTextConverter"/>; its message says why.</summary>
public sealed class UnsafeTextException(string message) : JsonException(message);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moderation.Contracts.Json;

/// <summary>The JSON settings every party uses on the wire: snake_case, like the reference server and its Python clients.</summary>
public static class WireJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // JsonSerializerDefaults.Web reads "100" as a number; a number is sent as a JSON number here, anything else is
        // a wrong type (refused, naming the field).
        options.NumberHandling = JsonNumberHandling.Strict;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        }
        return options;
    }

    /// <summary>The server's reading of request bodies: the wire settings, and JSON strings must be <see cref="Validation.PlainText"/>.</summary>
    public static JsonSerializerOptions ConfigureForRequests(JsonSerializerOptions options)
    {
        Configure(options);
        if (!options.Converters.OfType<PlainTextConverter>().Any())
        {
            options.Converters.Add(new PlainTextConverter());
        }
        return options;
    }

    /// <summary>snake_case for a C# member name, as validation errors name fields the way the JSON does.</summary>
    public static string FieldName(string memberName) => JsonNamingPolicy.SnakeCaseLower.ConvertName(memberName);
}

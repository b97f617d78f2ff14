using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moderation.Contracts.Json;

/// <summary>
/// A UTC time written as Python's <c>datetime.isoformat()</c> writes an aware one, with exactly six fractional digits:
/// <c>2026-12-01T10:00:00.123400+00:00</c>. Python ≤ 3.10's <c>datetime.fromisoformat</c> reads nothing else (not seven
/// digits, not trimmed ones, not <c>Z</c>), and the reference server's clients parse its times with it.
/// </summary>
public sealed class MicrosecondTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
        && DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value)
            ? value
            : throw new JsonException("Expected an ISO 8601 time.");

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.ToUniversalTime();
        writer.WriteStringValue(new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero).ToString(Format, CultureInfo.InvariantCulture));
    }
}

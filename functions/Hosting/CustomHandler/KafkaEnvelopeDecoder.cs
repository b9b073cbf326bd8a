using System.Globalization;
using System.Text;
using System.Text.Json;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// Decodes the Functions host's <c>{Data, Metadata}</c> body for a kafkaTrigger with dataType string
/// (contract 3.4). Data.&lt;binding&gt; is a JSON string holding a JSON array of strings, each one
/// KafkaEventData JSON. Layers of string encoding are peeled off (<see cref="InvocationEnvelope.Unwrap"/>), so the
/// doubly encoded host form, a singly encoded form and plain arrays of objects all decode the same way.
/// Positions come from the event JSON in Data, never from Metadata (which is stringified and culture-formatted).
/// </summary>
public static class KafkaEnvelopeDecoder
{
    public static KafkaBatch Decode(JsonElement body, string bindingName, string consumerGroup)
    {
        var events = InvocationEnvelope.Input(body, bindingName);
        var messages = events.ValueKind switch
        {
            JsonValueKind.Array => events.EnumerateArray().Select((item, i) => ReadEvent(InvocationEnvelope.Unwrap(item, $"Data.{bindingName}[{i}]"), i)).ToArray(),
            JsonValueKind.Object => [ReadEvent(events, 0)],
            _ => throw new MalformedEnvelopeException($"Data.{bindingName} is {events.ValueKind}, expected an array of Kafka events"),
        };
        return new KafkaBatch(consumerGroup, messages);
    }

    private static KafkaMessage ReadEvent(JsonElement item, int index)
    {
        var where = $"event [{index}]";
        if (item.ValueKind != JsonValueKind.Object)
            throw new MalformedEnvelopeException($"{where} is {item.ValueKind}, expected a KafkaEventData object");
        var topic = RequiredString(item, "Topic", where);
        var partition = (int)RequiredNumber(item, "Partition", where);
        var offset = RequiredNumber(item, "Offset", where);
        var timestamp = ReadTimestamp(item, where);
        var key = InvocationEnvelope.TryGetProperty(item, "Key", out var k) ? ScalarText(k) : null;
        var value = InvocationEnvelope.TryGetProperty(item, "Value", out var v) ? v : default;
        var bytes = value.ValueKind switch
        {
            JsonValueKind.String => Encoding.UTF8.GetBytes(value.GetString()!),
            JsonValueKind.Null or JsonValueKind.Undefined => [],
            _ => throw new MalformedEnvelopeException($"{where}: 'Value' is {value.ValueKind}, expected a string (dataType string)"),
        };
        return new KafkaMessage(new KafkaPosition(topic, partition, offset), key, bytes, timestamp);
    }

    private static DateTime ReadTimestamp(JsonElement item, string where)
    {
        var text = RequiredString(item, "Timestamp", where);
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
            return DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
        throw new MalformedEnvelopeException($"{where}: 'Timestamp' '{text}' is not a date");
    }

    private static string RequiredString(JsonElement item, string name, string where) =>
        InvocationEnvelope.TryGetProperty(item, name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new MalformedEnvelopeException($"{where}: '{name}' is missing or not a string");

    private static long RequiredNumber(JsonElement item, string name, string where)
    {
        if (InvocationEnvelope.TryGetProperty(item, name, out var value))
        {
            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)) return number;
            if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number)) return number;
        }
        throw new MalformedEnvelopeException($"{where}: '{name}' is missing or not an integer");
    }

    /// <summary>Key as text whatever keyDataType made of it (string, number, base64 of binary).</summary>
    private static string? ScalarText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}

using System.Text.Json;

namespace NginxPulse.Functions.Hosting.CustomHandler;

/// <summary>
/// Reading the host's <c>{Data, Metadata}</c> invocation body (contract 3): property names case-insensitively, as
/// the host writes them with Newtonsoft, and values that may arrive as JSON text inside JSON strings.
/// </summary>
public static class InvocationEnvelope
{
    // Far more than the host ever uses (two); a bound keeps a pathological body from looping for long.
    private const int MaxEncodingLayers = 8;

    /// <summary>Data.&lt;bindingName&gt;, string layers peeled off.</summary>
    public static JsonElement Input(JsonElement body, string bindingName)
    {
        if (body.ValueKind != JsonValueKind.Object || !TryGetProperty(body, "Data", out var data) || data.ValueKind != JsonValueKind.Object)
            throw new MalformedEnvelopeException("the body has no 'Data' object");
        if (!TryGetProperty(data, bindingName, out var input))
            throw new MalformedEnvelopeException($"Data has no '{bindingName}' property (the trigger binding name in function.json)");
        return Unwrap(input, $"Data.{bindingName}");
    }

    /// <summary>Peels layers of string encoding off until an array or object (or a plain string) appears.</summary>
    public static JsonElement Unwrap(JsonElement value, string where)
    {
        for (var layer = 0; value.ValueKind == JsonValueKind.String; layer++)
        {
            var text = value.GetString()!;
            var trimmed = text.AsSpan().TrimStart();
            if (layer == MaxEncodingLayers || trimmed.IsEmpty || trimmed[0] is not ('{' or '[' or '"')) break;
            try
            {
                using var inner = JsonDocument.Parse(text);
                value = inner.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new MalformedEnvelopeException($"{where} holds text that is not JSON: {ex.Message}");
            }
        }
        return value;
    }

    public static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object) return false;
        if (element.TryGetProperty(name, out value)) return true;
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>A string-valued object (Query, Params, Headers with array values joined by ", "); tolerates the
    /// older hosts that sent it as JSON text.</summary>
    public static Dictionary<string, string> StringMap(JsonElement parent, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!TryGetProperty(parent, name, out var value)) return map;
        value = Unwrap(value, name);
        if (value.ValueKind != JsonValueKind.Object) return map;
        foreach (var property in value.EnumerateObject())
        {
            map[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Array => string.Join(", ", property.Value.EnumerateArray().Select(Text)),
                _ => Text(property.Value),
            };
        }
        return map;
    }

    public static string? OptionalString(JsonElement parent, string name) =>
        TryGetProperty(parent, name, out var value) && value.ValueKind != JsonValueKind.Null ? Text(value) : null;

    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
}

using System.Text;
using System.Text.Json;
using NginxPulse.Functions.Kafka;

namespace NginxPulse.Functions.Events;

/// <summary>
/// Reads a Kafka message as one of the three event shapes on the topic: the NginxPulse shipper envelope
/// (has "v"), Filebeat's Kafka output (has "message"), or a plain text line (anything else, including nginx
/// JSON access-log lines shipped as they are).
/// </summary>
public sealed class EventDecoder
{
    public const int SupportedEnvelopeVersion = 1;

    public bool TryDecode(KafkaMessage message, out LogEvent? logEvent, out string? error)
    {
        logEvent = null;
        error = null;
        var value = TrimLineEnd(message.Value.Span);
        if (value.IsEmpty) { error = "empty message"; return false; }
        var first = value.TrimStart(" \t"u8);
        if (first.IsEmpty || first[0] != (byte)'{') { logEvent = Plain(message, value); return true; }

        JsonDocument doc;
        try { doc = JsonDocument.Parse(message.Value); }
        catch (JsonException) { logEvent = Plain(message, value); return true; }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.TryGetProperty("v", out var version)) return TryShipper(message, root, version, out logEvent, out error);
            if (root.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                return TryFilebeat(message, root, text, out logEvent, out error);
        }
        logEvent = Plain(message, value);
        return true;
    }

    private static LogEvent Plain(KafkaMessage message, ReadOnlySpan<byte> line) => new()
    {
        Line = line.ToArray(),
        Format = EventFormat.PlainText,
        Host = message.Key,
    };

    private static bool TryShipper(KafkaMessage message, JsonElement root, JsonElement version, out LogEvent? logEvent, out string? error)
    {
        logEvent = null;
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var v))
        {
            error = "malformed shipper envelope: \"v\" must be an integer";
            return false;
        }
        if (v != SupportedEnvelopeVersion)
        {
            error = $"unsupported shipper envelope version {v} (this build reads version {SupportedEnvelopeVersion})";
            return false;
        }
        try
        {
            var line = LineBytes(root);
            logEvent = new LogEvent
            {
                Line = TrimLineEnd(line).ToArray(),
                Format = EventFormat.ShipperEnvelope,
                Host = OptionalString(root, "host") ?? message.Key,
                FilePath = OptionalString(root, "file"),
                FileIdentity = OptionalString(root, "fileId"),
                FileOffset = OptionalLong(root, "offset"),
                ReadTimeUtc = OptionalTime(root, "readTime"),
                Tags = StringArray(root, "tags"),
                Fields = StringMap(root, "fields"),
                Truncated = root.TryGetProperty("truncated", out var t) && t.ValueKind == JsonValueKind.True,
            };
            error = null;
            return true;
        }
        catch (EnvelopeException e)
        {
            error = $"malformed shipper envelope: {e.Message}";
            return false;
        }
    }

    private static bool TryFilebeat(KafkaMessage message, JsonElement root, JsonElement text, out LogEvent? logEvent, out string? error)
    {
        logEvent = null;
        try
        {
            var log = root.TryGetProperty("log", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
            var file = log.ValueKind == JsonValueKind.Object && log.TryGetProperty("file", out var f) && f.ValueKind == JsonValueKind.Object ? f : default;
            var host = root.TryGetProperty("host", out var h) && h.ValueKind == JsonValueKind.Object ? OptionalString(h, "name") : null;
            var path = file.ValueKind == JsonValueKind.Object ? OptionalString(file, "path") : null;
            logEvent = new LogEvent
            {
                Line = Encoding.UTF8.GetBytes(text.GetString()!.TrimEnd('\r', '\n')),
                Format = EventFormat.Filebeat,
                Host = host ?? message.Key,
                FilePath = path,
                FileIdentity = file.ValueKind == JsonValueKind.Object ? FilebeatIdentity(file) : null,
                FileOffset = log.ValueKind == JsonValueKind.Object ? OptionalLong(log, "offset") : null,
                ReadTimeUtc = OptionalTime(root, "@timestamp"),
                Tags = StringArray(root, "tags"),
                Fields = StringMap(root, "fields"),
            };
            error = null;
            return true;
        }
        catch (EnvelopeException e)
        {
            error = $"malformed Filebeat event: {e.Message}";
            return false;
        }
    }

    // Filebeat 8 logs the file's device and inode (or a content fingerprint); older versions only the path.
    private static string? FilebeatIdentity(JsonElement file)
    {
        var fingerprint = OptionalString(file, "fingerprint");
        if (fingerprint is not null) return "fp:" + fingerprint;
        var inode = OptionalString(file, "inode");
        var device = OptionalString(file, "device_id");
        return inode is null ? null : $"{device}:{inode}";
    }

    private static byte[] LineBytes(JsonElement root)
    {
        if (root.TryGetProperty("line", out var line))
        {
            if (line.ValueKind != JsonValueKind.String) throw new EnvelopeException("\"line\" must be a string");
            return Encoding.UTF8.GetBytes(line.GetString()!);
        }
        if (root.TryGetProperty("lineBase64", out var b64))
        {
            if (b64.ValueKind != JsonValueKind.String || !b64.TryGetBytesFromBase64(out var bytes))
                throw new EnvelopeException("\"lineBase64\" must be a base64 string");
            return bytes;
        }
        throw new EnvelopeException("neither \"line\" nor \"lineBase64\" is present");
    }

    private static string? OptionalString(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.Number => e.GetRawText(),
            _ => throw new EnvelopeException($"\"{name}\" must be a string"),
        };
    }

    private static long? OptionalLong(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var n) || n < 0)
            throw new EnvelopeException($"\"{name}\" must be a non-negative integer");
        return n;
    }

    private static DateTime? OptionalTime(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String || !e.TryGetDateTimeOffset(out var t))
            throw new EnvelopeException($"\"{name}\" must be an ISO-8601 timestamp");
        return t.UtcDateTime;
    }

    private static IReadOnlyList<string> StringArray(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return [];
        if (e.ValueKind != JsonValueKind.Array) throw new EnvelopeException($"\"{name}\" must be an array of strings");
        var list = new List<string>(e.GetArrayLength());
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new EnvelopeException($"\"{name}\" must be an array of strings");
            list.Add(item.GetString()!);
        }
        return list;
    }

    private static IReadOnlyDictionary<string, string> StringMap(JsonElement obj, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!obj.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return map;
        if (e.ValueKind != JsonValueKind.Object) throw new EnvelopeException($"\"{name}\" must be an object");
        foreach (var p in e.EnumerateObject())
            map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        return map;
    }

    private static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> s) => s.TrimEnd("\r\n"u8);

    private sealed class EnvelopeException(string message) : Exception(message);
}

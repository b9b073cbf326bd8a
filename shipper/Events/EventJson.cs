using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NginxPulse.Shipper.Configuration;

namespace NginxPulse.Shipper.Events;

/// <summary>
/// Writes the version-1 event envelope the ingest function reads (functions/Events/EventDecoder.cs):
/// {"v":1,"readTime":..,"host":..,"file":..,"fileId":..,"offset":..,"line"|"lineBase64":..,"tags":[..],"fields":{..},"truncated":..}.
/// One instance per reader; the JSON is built in a reused buffer straight from the line's bytes (no string round trip).
/// </summary>
public sealed class EventJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonEncodedText V = JsonEncodedText.Encode("v");
    private static readonly JsonEncodedText ReadTime = JsonEncodedText.Encode("readTime");
    private static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    private static readonly JsonEncodedText File = JsonEncodedText.Encode("file");
    private static readonly JsonEncodedText FileId = JsonEncodedText.Encode("fileId");
    private static readonly JsonEncodedText Offset = JsonEncodedText.Encode("offset");
    private static readonly JsonEncodedText Line = JsonEncodedText.Encode("line");
    private static readonly JsonEncodedText LineBase64 = JsonEncodedText.Encode("lineBase64");
    private static readonly JsonEncodedText Tags = JsonEncodedText.Encode("tags");
    private static readonly JsonEncodedText Fields = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText Truncated = JsonEncodedText.Encode("truncated");

    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    public EventJson()
    {
        writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
    }

    public byte[] Write(in EventSource source, long offset, ReadOnlySpan<byte> line, bool truncated, DateTime readTimeUtc)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber(V, 1);
        Span<byte> time = stackalloc byte[32];
        readTimeUtc.TryFormat(time, out var timeLength, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        writer.WriteString(ReadTime, time[..timeLength]);
        writer.WriteString(Host, source.Host);
        writer.WriteString(File, source.Path);
        writer.WriteString(FileId, source.FileId);
        writer.WriteNumber(Offset, offset);
        WriteLine(source.Input.Encoding, line, truncated);
        writer.WriteStartArray(Tags);
        foreach (var tag in source.Input.Tags) writer.WriteStringValue(tag);
        writer.WriteEndArray();
        writer.WriteStartObject(Fields);
        foreach (var (name, value) in source.Input.Fields) writer.WriteString(name, value);
        writer.WriteEndObject();
        writer.WriteBoolean(Truncated, truncated);
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private void WriteLine(LineEncoding encoding, ReadOnlySpan<byte> line, bool truncated)
    {
        if (encoding == LineEncoding.Latin1)
        {
            var chars = ArrayPool<char>.Shared.Rent(line.Length);
            try
            {
                var n = Encoding.Latin1.GetChars(line, chars);
                writer.WriteString(Line, chars.AsSpan(0, n));
            }
            finally { ArrayPool<char>.Shared.Return(chars); }
            return;
        }
        if (Utf8.IsValid(line)) { writer.WriteString(Line, line); return; }
        // A cut can split a multi-byte character; drop the partial character rather than fall back to base64.
        if (truncated)
            for (var drop = 1; drop <= 3 && drop < line.Length; drop++)
                if (Utf8.IsValid(line[..^drop])) { writer.WriteString(Line, line[..^drop]); return; }
        writer.WriteBase64String(LineBase64, line);
    }
}

/// <summary>Where a line comes from: what every event of one file shares, pre-encoded.</summary>
public readonly record struct EventSource(JsonEncodedText Host, JsonEncodedText Path, JsonEncodedText FileId, Files.Input Input);

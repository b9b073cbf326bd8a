using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using NginxPulse.Shipper.Configuration;
using NginxPulse.Shipper.Files;

namespace NginxPulse.Shipper.Events;

/// <summary>
/// Writes the version-1 event envelope the ingest function reads (functions/Events/EventDecoder.cs):
/// {"v":1,"host":..,"file":..,"fileId":..,"tags":[..],"fields":{..},"offset":..,"readTime":..,"truncated":true,"line"|"lineBase64":..}.
/// Empty tags and fields and "truncated":false are left out: the ingest reads an absent one as empty (or false), and
/// the usual event is a tenth shorter to build, compress and send.
/// One instance per reader. Everything a file's events share is encoded once into a prefix; per line only the
/// offset, the read time and the line itself are written, and a plain ASCII line (the usual nginx line) is escaped
/// by a vectorised scan instead of the general encoder.
/// </summary>
public sealed class EventJson
{
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    // Bytes of an ASCII line that cannot be copied into a JSON string as they are.
    private static readonly SearchValues<byte> NeedsEscaping = SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\', 0x7F]);

    private readonly JsonEncodedText host;
    private readonly JsonEncodedText fileId;
    private readonly EventBatch buffer;
    private readonly Utf8JsonWriter writer;
    private byte[] prefix = [];
    private string? prefixPath;
    private Input? prefixInput;
    private long timeMilliseconds = -1;
    private readonly byte[] time = new byte[24];

    /// <param name="batch">where the events go</param>
    public EventJson(JsonEncodedText host, JsonEncodedText fileId, EventBatch batch)
    {
        this.host = host;
        this.fileId = fileId;
        buffer = batch;
        writer = new Utf8JsonWriter(batch, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
    }

    /// <summary>Appends the event of the line at [<paramref name="offset"/>, <paramref name="end"/>) of the file to the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // per line or batch: optimised from the first call, no tier-0 phase at the start of a backfill
    public void Write(string path, Input input, long offset, long end, ReadOnlySpan<byte> line, bool truncated, DateTime readTimeUtc)
    {
        if (!ReferenceEquals(path, prefixPath) || !ReferenceEquals(input, prefixInput)) EncodePrefix(path, input);
        Append(prefix);
        Utf8Formatter.TryFormat(offset, buffer.GetSpan(20), out var digits);
        buffer.Advance(digits);
        Append(",\"readTime\":\""u8);
        Append(ReadTime(readTimeUtc));
        Append(truncated ? "\",\"truncated\":true,"u8 : "\","u8);
        WriteLine(input.Encoding, line, truncated);
        Append("}"u8);
        buffer.Commit(offset, end, truncated);
    }

    private void EncodePrefix(string path, Input input)
    {
        var encoded = new ArrayBufferWriter<byte>(512);
        using var json = new Utf8JsonWriter(encoded, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
        json.WriteStartObject();
        json.WriteNumber("v"u8, 1);
        json.WriteString("host"u8, host);
        json.WriteString("file"u8, JsonEncodedText.Encode(path, Encoder));
        json.WriteString("fileId"u8, fileId);
        if (input.Tags.Length > 0)
        {
            json.WriteStartArray("tags"u8);
            foreach (var tag in input.Tags) json.WriteStringValue(tag);
            json.WriteEndArray();
        }
        if (input.Fields.Length > 0)
        {
            json.WriteStartObject("fields"u8);
            foreach (var (name, value) in input.Fields) json.WriteString(name, value);
            json.WriteEndObject();
        }
        json.Flush();
        encoded.Write(",\"offset\":"u8);
        prefix = encoded.WrittenSpan.ToArray();
        prefixPath = path;
        prefixInput = input;
    }

    // Lines are read far faster than the clock's millisecond advances: format each millisecond once.
    private ReadOnlySpan<byte> ReadTime(DateTime readTimeUtc)
    {
        var milliseconds = readTimeUtc.Ticks / TimeSpan.TicksPerMillisecond;
        if (milliseconds != timeMilliseconds)
        {
            readTimeUtc.TryFormat(time, out _, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
            timeMilliseconds = milliseconds;
        }
        return time;
    }

    private void WriteLine(LineEncoding encoding, ReadOnlySpan<byte> line, bool truncated)
    {
        if (encoding == LineEncoding.Utf8 && Ascii.IsValid(line))
        {
            Append("\"line\":\""u8);
            AppendEscapedAscii(line);
            Append("\""u8);
            return;
        }
        if (encoding == LineEncoding.Latin1)
        {
            var chars = ArrayPool<char>.Shared.Rent(line.Length);
            try
            {
                var n = Encoding.Latin1.GetChars(line, chars);
                Append("\"line\":"u8);
                writer.Reset(buffer);
                writer.WriteStringValue(chars.AsSpan(0, n));
                writer.Flush();
            }
            finally { ArrayPool<char>.Shared.Return(chars); }
            return;
        }
        if (Utf8.IsValid(line)) { WriteUtf8(line); return; }
        // A cut can split a multi-byte character; drop the partial character rather than fall back to base64.
        if (truncated)
            for (var drop = 1; drop <= 3 && drop < line.Length; drop++)
                if (Utf8.IsValid(line[..^drop])) { WriteUtf8(line[..^drop]); return; }
        Append("\"lineBase64\":\""u8);
        var encoded = buffer.GetSpan(Base64.GetMaxEncodedToUtf8Length(line.Length));
        Base64.EncodeToUtf8(line, encoded, out _, out var written);
        buffer.Advance(written);
        Append("\""u8);
    }

    private void WriteUtf8(ReadOnlySpan<byte> line)
    {
        Append("\"line\":"u8);
        writer.Reset(buffer);
        writer.WriteStringValue(line);
        writer.Flush();
    }

    private void AppendEscapedAscii(ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var special = line.IndexOfAny(NeedsEscaping);
            if (special < 0) { Append(line); return; }
            Append(line[..special]);
            var b = line[special];
            switch (b)
            {
                case (byte)'"': Append("\\\""u8); break;
                case (byte)'\\': Append("\\\\"u8); break;
                default:
                    var escape = buffer.GetSpan(6);
                    "\\u00"u8.CopyTo(escape);
                    escape[4] = HexDigit(b >> 4);
                    escape[5] = HexDigit(b & 0xF);
                    buffer.Advance(6);
                    break;
            }
            line = line[(special + 1)..];
        }
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'A' + value - 10);

    private void Append(ReadOnlySpan<byte> bytes) => buffer.Write(bytes);
}

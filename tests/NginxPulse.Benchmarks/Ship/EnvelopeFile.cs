using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NginxPulse.Benchmarks.Ship;

/// <summary>
/// The shipper's messages written out as a file for <c>kcat -P -K TAB -l</c>: per line the key (the shipper's host
/// name), a tab and the version-1 envelope the shipper builds for that line (the same fields in the same order, the
/// file's real <c>fileId</c> from the shipper's registry, a read time that advances like the shipper's). kcat
/// shipping it is a second ceiling: librdkafka's producer with nothing in front of it, carrying our payload.
/// </summary>
public static class EnvelopeFile
{
    public const char KeyDelimiter = '\t';

    public static async Task WriteAsync(string logFile, string registry, string host, string envelopes)
    {
        var fileId = FileIdOf(registry, logFile);
        var prefix = Encoding.UTF8.GetBytes($"{host}{KeyDelimiter}{{\"v\":1,\"host\":{Json(host)},\"file\":{Json(logFile)},\"fileId\":{Json(fileId)},\"offset\":");
        var start = DateTime.UtcNow;
        await using var input = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        await using var output = new FileStream(envelopes, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var reader = new BufferedLineReader(input);
        long offset = 0, index = 0;
        var line = new List<byte>();
        while (reader.ReadLine(line))
        {
            // The shipper takes one clock reading per read of up to 64 KiB: ~300 lines of this file.
            var readTime = start.AddMilliseconds(index++ / 300).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            output.Write(prefix);
            output.Write(Encoding.ASCII.GetBytes($"{offset},\"readTime\":\"{readTime}\",\"line\":"));
            output.Write(Encoding.UTF8.GetBytes(Json(Encoding.UTF8.GetString([.. line]))));
            output.Write("}\n"u8);
            offset += line.Count + 1;
        }
    }

    private static string Json(string value) => JsonSerializer.Serialize(value, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string FileIdOf(string registry, string logFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(registry));
        foreach (var entry in document.RootElement.GetProperty("files").EnumerateArray())
            if (entry.GetProperty("path").GetString() == logFile) return entry.GetProperty("fileId").GetString()!;
        throw new InvalidOperationException($"{registry} holds no entry for {logFile}");
    }

    /// <summary>Lines of a stream without their newline.</summary>
    private sealed class BufferedLineReader(Stream stream)
    {
        private readonly byte[] buffer = new byte[1 << 20];
        private int position, filled;

        public bool ReadLine(List<byte> line)
        {
            line.Clear();
            while (true)
            {
                if (position == filled)
                {
                    filled = stream.Read(buffer);
                    position = 0;
                    if (filled == 0) return line.Count > 0;
                }
                var newline = buffer.AsSpan(position, filled - position).IndexOf((byte)'\n');
                if (newline < 0) { line.AddRange(buffer.AsSpan(position, filled - position)); position = filled; continue; }
                line.AddRange(buffer.AsSpan(position, newline));
                position += newline + 1;
                return true;
            }
        }
    }
}

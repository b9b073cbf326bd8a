using System.Text;
using System.Text.Json;

namespace NginxPulse.Shipper.Tests.Support;

/// <summary>One event read back from the topic, with the sequence number the test wrote into its line.</summary>
public sealed record ShippedEvent(string? Key, string Host, string File, string FileId, long Offset, byte[] Line, bool UsedBase64,
    IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Fields, bool Truncated, int Partition)
{
    public string Text => Encoding.UTF8.GetString(Line);

    /// <summary>The number after "seq=" in the line, or -1.</summary>
    public int Seq
    {
        get
        {
            var text = Encoding.Latin1.GetString(Line);
            var at = text.IndexOf("seq=", StringComparison.Ordinal);
            if (at < 0) return -1;
            var end = at + 4;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            return int.Parse(text.AsSpan(at + 4, end - at - 4));
        }
    }

    public static ShippedEvent Parse(string? key, byte[] value, int partition)
    {
        using var doc = JsonDocument.Parse(value);
        var root = doc.RootElement;
        Assert1(root.GetProperty("v").GetInt32() == 1, "v is 1");
        var base64 = root.TryGetProperty("lineBase64", out var b64);
        var line = base64 ? b64.GetBytesFromBase64() : Encoding.UTF8.GetBytes(root.GetProperty("line").GetString()!);
        return new ShippedEvent(key, root.GetProperty("host").GetString()!, root.GetProperty("file").GetString()!, root.GetProperty("fileId").GetString()!,
            root.GetProperty("offset").GetInt64(), line, base64,
            // Empty tags and fields and "truncated":false are left out of the envelope.
            root.TryGetProperty("tags", out var tags) ? tags.EnumerateArray().Select(t => t.GetString()!).ToList() : [],
            root.TryGetProperty("fields", out var fields) ? fields.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : new Dictionary<string, string>(),
            root.TryGetProperty("truncated", out var truncated) && truncated.GetBoolean(), partition);
    }

    private static void Assert1(bool condition, string what)
    {
        if (!condition) throw new InvalidDataException($"event envelope: expected {what}");
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NginxPulse.Functions.Parsing;

/// <summary>
/// Deterministic 16-byte ids (truncated SHA-256). A line re-shipped with new Kafka offsets gets the same id,
/// so storing it again is a no-op.
/// </summary>
public static class RecordId
{
    /// <summary>Id from the line's source coordinates: host, stable file identity and byte offset.</summary>
    public static byte[] FromSource(string host, string fileIdentity, long offset)
    {
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(tail, offset);
        return Hash("src", host, fileIdentity, ReadOnlySpan<byte>.Empty, tail);
    }

    /// <summary>
    /// Id from the line itself, for sources that carry no coordinates. The ordinal tells identical lines of one
    /// batch apart (two real requests can log byte-identical lines).
    /// </summary>
    public static byte[] FromLine(string host, ReadOnlySpan<byte> line, int ordinal)
    {
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(tail, ordinal);
        return Hash("line", host, "", line, tail);
    }

    private static byte[] Hash(string kind, string a, string b, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> tail)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendString(h, kind);
        AppendString(h, a);
        AppendString(h, b);
        h.AppendData(payload);
        h.AppendData(tail);
        Span<byte> digest = stackalloc byte[32];
        h.GetHashAndReset(digest);
        return digest[..16].ToArray();
    }

    // Length-prefixed so ("ab","c") and ("a","bc") never collide.
    private static void AppendString(IncrementalHash h, string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length) + 4;
        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var n = Encoding.UTF8.GetBytes(s, rented.AsSpan(4));
            BinaryPrimitives.WriteInt32BigEndian(rented, n);
            h.AppendData(rented, 0, n + 4);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }
}

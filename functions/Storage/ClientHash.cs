using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The 64-bit key under which a client (client_ip, else remote_addr) is counted as a visitor: the first 8 bytes of the
/// MD5 of its UTF-8 text, big-endian. MD5 and CONV are built into MySQL 8 and every MariaDB alike, so a report can key
/// raw rows the same way in SQL (<see cref="Sql"/>) and union them with the stored hourly sets. (Not a security use:
/// only a well-mixed 64-bit digest is needed.) Two distinct clients share a key with a probability of about 2^-64 per
/// pair: over ten million clients in a day that is about one chance in 400,000 of counting one visitor too few.
/// </summary>
internal static class ClientHash
{
    private const int MaxStackBytes = 512;

    /// <summary>The key of <paramref name="client"/>; equal to <see cref="Sql"/> of the same text.</summary>
    public static ulong Of(string client)
    {
        var max = Encoding.UTF8.GetMaxByteCount(client.Length);
        var bytes = max <= MaxStackBytes ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(client, bytes);
        Span<byte> digest = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(bytes[..n], digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest);
    }

    /// <summary>The same key computed by the database from a column or expression holding the client text.</summary>
    public static string Sql(string client) => $"CAST(CONV(LEFT(MD5({client}), 16), 16, 10) AS UNSIGNED)";
}

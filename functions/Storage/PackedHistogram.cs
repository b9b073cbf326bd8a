using System.Buffers;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// The stored form of one latency histogram (<see cref="LatencyHistogram"/> buckets): one row per minute and scope
/// instead of one per non-empty bucket. Layout: a format byte (1), then for every non-empty bucket in ascending order
/// the bucket number and its count, each as an unsigned LEB128 varint (7 bits per byte, low bits first, high bit set
/// on every byte but the last). Buckets below 128 (request times under ~2 s) take one byte, counts below 128 one
/// byte, so a typical minute of ~100 non-empty buckets packs into ~250 bytes. The empty histogram is the format byte
/// alone. The encoding is canonical (ascending, no zero counts, shortest varints), so equal histograms pack to equal
/// bytes; migration 0030 writes the same bytes from SQL.
/// </summary>
public static class PackedHistogram
{
    public const byte FormatVersion = 1;
    private const int MaxVarintBytes = 9; // 63 bits: every non-negative long

    public static readonly byte[] Empty = [FormatVersion];

    /// <summary>Packs dense counts (index = bucket).</summary>
    public static byte[] Pack(ReadOnlySpan<long> counts)
    {
        if (counts.Length > LatencyHistogram.BucketCount)
            throw new ArgumentException($"A histogram has at most {LatencyHistogram.BucketCount} buckets, not {counts.Length}.", nameof(counts));
        var buffer = ArrayPool<byte>.Shared.Rent(1 + counts.Length * (2 + MaxVarintBytes));
        try
        {
            buffer[0] = FormatVersion;
            var length = 1;
            for (var bucket = 0; bucket < counts.Length; bucket++)
            {
                var count = counts[bucket];
                if (count == 0) continue;
                ArgumentOutOfRangeException.ThrowIfNegative(count, nameof(counts));
                length = WriteVarint(buffer, length, (ulong)bucket);
                length = WriteVarint(buffer, length, (ulong)count);
            }
            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Adds the counts of <paramref name="packed"/> to <paramref name="counts"/> (index = bucket); returns their sum.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a histogram of this format.</exception>
    /// <exception cref="OverflowException">A sum exceeds <see cref="long.MaxValue"/>.</exception>
    public static long AddTo(ReadOnlySpan<byte> packed, Span<long> counts)
    {
        if (counts.Length < LatencyHistogram.BucketCount)
            throw new ArgumentException($"Room for {LatencyHistogram.BucketCount} buckets is needed.", nameof(counts));
        if (packed.IsEmpty) throw new InvalidDataException("A packed histogram has at least its format byte; got no bytes.");
        if (packed[0] != FormatVersion)
            throw new InvalidDataException($"Unknown packed histogram format {packed[0]} (this version reads format {FormatVersion}).");
        var position = 1;
        var previous = -1L;
        long sum = 0;
        while (position < packed.Length)
        {
            var at = position;
            var bucket = ReadVarint(packed, ref position);
            if (bucket >= (ulong)LatencyHistogram.BucketCount)
                throw new InvalidDataException($"Packed histogram bucket {bucket} at byte {at} is out of range (0..{LatencyHistogram.BucketCount - 1}).");
            if ((long)bucket <= previous)
                throw new InvalidDataException($"Packed histogram bucket {bucket} at byte {at} does not follow bucket {previous} in ascending order.");
            if (position >= packed.Length)
                throw new InvalidDataException($"Packed histogram ends after bucket {bucket} at byte {at}, before its count.");
            at = position;
            var count = ReadVarint(packed, ref position);
            // Nine varint bytes hold 63 bits, so a count is never above long.MaxValue; zero is never written.
            if (count == 0)
                throw new InvalidDataException($"Packed histogram count 0 at byte {at} is out of range (1..{long.MaxValue}).");
            counts[(int)bucket] = checked(counts[(int)bucket] + (long)count);
            sum = checked(sum + (long)count);
            previous = (long)bucket;
        }
        return sum;
    }

    /// <summary>The histogram holding the counts of both.</summary>
    public static byte[] Merge(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        AddTo(a, counts);
        AddTo(b, counts);
        return Pack(counts);
    }

    private static int WriteVarint(byte[] buffer, int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
        return position;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        var start = position;
        ulong value = 0;
        for (var shift = 0; shift < 7 * MaxVarintBytes; shift += 7)
        {
            if (position >= bytes.Length)
                throw new InvalidDataException($"Packed histogram ends inside the number that starts at byte {start}.");
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && position - start > 1)
                    throw new InvalidDataException($"Packed histogram number at byte {start} is not in its shortest form.");
                return value;
            }
        }
        throw new InvalidDataException($"Packed histogram number at byte {start} is longer than {MaxVarintBytes} bytes.");
    }
}

namespace NginxPulse.Functions.Storage;

/// <summary>A latency histogram being summed: counts per <see cref="LatencyHistogram"/> bucket, from single buckets or packed rows.</summary>
public sealed class LatencyCounts
{
    private readonly long[] _counts = new long[LatencyHistogram.BucketCount];

    public long Total { get; private set; }

    /// <summary>The histogram of <paramref name="key"/> in <paramref name="histograms"/>, added empty when missing.</summary>
    public static LatencyCounts Of<TKey>(Dictionary<TKey, LatencyCounts> histograms, TKey key) where TKey : notnull
    {
        if (!histograms.TryGetValue(key, out var counts)) histograms[key] = counts = new LatencyCounts();
        return counts;
    }

    public void Add(int bucket, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[bucket] = checked(_counts[bucket] + count);
        Total = checked(Total + count);
    }

    /// <summary>Adds a stored row's histogram (<see cref="PackedHistogram"/>).</summary>
    public void AddPacked(ReadOnlySpan<byte> packed) => Total = checked(Total + PackedHistogram.AddTo(packed, _counts));

    public void Add(LatencyCounts other)
    {
        for (var b = 0; b < _counts.Length; b++) _counts[b] = checked(_counts[b] + other._counts[b]);
        Total = checked(Total + other.Total);
    }

    public byte[] Pack() => PackedHistogram.Pack(_counts);

    /// <summary>See <see cref="LatencyHistogram.Percentile(ReadOnlySpan{long}, double)"/>.</summary>
    public double? Percentile(double q) => LatencyHistogram.Percentile(_counts, q);

    /// <summary>See <see cref="LatencyHistogram.PercentileBucket(ReadOnlySpan{long}, double)"/>.</summary>
    public int? PercentileBucket(double q) => LatencyHistogram.PercentileBucket(_counts, q);

    /// <summary>The non-empty buckets as "bucket:count" pairs in bucket order, e.g. "3:10 40:2".</summary>
    public override string ToString() =>
        string.Join(' ', _counts.Select((count, bucket) => (bucket, count)).Where(p => p.count != 0)
            .Select(p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.bucket}:{p.count}")));
}

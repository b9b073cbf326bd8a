using System.Buffers;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The sums of one value of a dimension within a slice (and one scope, or the whole site). The latency histogram is
/// sparse while summing: a slice holds thousands of paths and most use a few dozen of the 448 buckets.
/// </summary>
public sealed class SliceValue
{
    private Dictionary<int, long>? _buckets;

    public long Requests { get; private set; }
    public long Bytes { get; private set; }
    public long Status4xx { get; private set; }
    public long Status5xx { get; private set; }
    public long LatencyCount { get; private set; }
    public long LatencySumMs { get; private set; }
    public long? LatencyMaxMs { get; private set; }

    public long Errors => Status4xx + Status5xx;

    /// <summary>Adds one grouped raw row (<see cref="SliceDimension.SelectRaw"/>): a null bucket holds the requests without a request time.</summary>
    public void Add(int? bucket, long requests, long bytes, long status4xx, long status5xx, long latencySumMs, long? latencyMaxMs)
    {
        AddSums(requests, bytes, status4xx, status5xx, latencySumMs, latencyMaxMs);
        if (bucket is not { } b) return;
        LatencyCount += requests;
        _buckets ??= [];
        _buckets[b] = _buckets.GetValueOrDefault(b) + requests;
    }

    public void Add(SliceValue other)
    {
        AddSums(other.Requests, other.Bytes, other.Status4xx, other.Status5xx, other.LatencySumMs, other.LatencyMaxMs);
        LatencyCount += other.LatencyCount;
        if (other._buckets is null) return;
        _buckets ??= [];
        foreach (var (bucket, count) in other._buckets) _buckets[bucket] = _buckets.GetValueOrDefault(bucket) + count;
    }

    /// <summary>Adds a stored slice row: its sums and its packed histogram (<see cref="PackedHistogram"/>, null without request times).</summary>
    public void AddStored(long requests, long bytes, long status4xx, long status5xx, long latencyCount, long latencySumMs, long? latencyMaxMs, byte[]? histogram)
    {
        AddSums(requests, bytes, status4xx, status5xx, latencySumMs, latencyMaxMs);
        LatencyCount += latencyCount;
        if (histogram is null) return;
        // A pooled dense buffer: a latency block merges hundreds of thousands of stored rows.
        var dense = ArrayPool<long>.Shared.Rent(LatencyHistogram.BucketCount);
        try
        {
            Array.Clear(dense, 0, LatencyHistogram.BucketCount);
            PackedHistogram.AddTo(histogram, dense);
            _buckets ??= [];
            for (var bucket = 0; bucket < LatencyHistogram.BucketCount; bucket++)
                if (dense[bucket] != 0) _buckets[bucket] = _buckets.GetValueOrDefault(bucket) + dense[bucket];
        }
        finally
        {
            ArrayPool<long>.Shared.Return(dense);
        }
    }

    private void AddSums(long requests, long bytes, long status4xx, long status5xx, long latencySumMs, long? latencyMaxMs)
    {
        Requests += requests;
        Bytes += bytes;
        Status4xx += status4xx;
        Status5xx += status5xx;
        LatencySumMs += latencySumMs;
        if (latencyMaxMs is { } max) LatencyMaxMs = Math.Max(LatencyMaxMs ?? 0, max);
    }

    /// <summary>The histogram in the stored format (<see cref="PackedHistogram"/>); null when no request had a request time.</summary>
    public byte[]? PackHistogram() => _buckets is null ? null : Dense().Pack();

    /// <summary>The 95th percentile request time; null without request times.</summary>
    public double? P95 => _buckets is null ? null : Dense().Percentile(0.95);

    /// <summary>The histogram bucket holding the 95th percentile (report_slice_value.p95_bucket); null without request times.</summary>
    public int? P95Bucket => _buckets is null ? null : Dense().PercentileBucket(0.95);

    private LatencyCounts Dense()
    {
        var counts = new LatencyCounts();
        foreach (var (bucket, count) in _buckets!) counts.Add(bucket, count);
        return counts;
    }
}

using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Histogram counts (<see cref="LatencyHistogram"/> buckets) collected from query rows, turned into p50/p95/p99.</summary>
public sealed class LatencyPercentiles
{
    private readonly Dictionary<int, long> _counts = [];

    public void Add(int bucket, long count) =>
        _counts[bucket] = _counts.GetValueOrDefault(bucket) + count;

    public double? P50 => Percentile(0.50);
    public double? P95 => Percentile(0.95);
    public double? P99 => Percentile(0.99);

    /// <summary>Rounded to 0.1 ms: the buckets are not more precise than that anyway.</summary>
    public double? Percentile(double q) => LatencyHistogram.Percentile(_counts, q) is { } value ? Math.Round(value, 1) : null;
}

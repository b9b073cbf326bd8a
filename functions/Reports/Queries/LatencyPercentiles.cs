using System.Data.Common;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>Histogram counts (<see cref="LatencyHistogram"/> buckets) collected from query rows, turned into p50/p95/p99.</summary>
public sealed class LatencyPercentiles
{
    private readonly LatencyCounts _counts = new();

    public void Add(int bucket, long count) => _counts.Add(bucket, count);

    /// <summary>Adds a stored histogram (<see cref="PackedHistogram"/>).</summary>
    public void AddPacked(ReadOnlySpan<byte> packed) => _counts.AddPacked(packed);

    /// <summary>
    /// Adds one row of <see cref="ReportFilter.LatencySql"/> whose columns from <paramref name="first"/> are bucket, count
    /// and histogram: a packed histogram when stored rollups answer, else one bucket's count recomputed from raw rows.
    /// </summary>
    public void Add(DbDataReader row, int first)
    {
        if (!row.IsDBNull(first + 2)) _counts.AddPacked((byte[])row.GetValue(first + 2));
        else Add(Convert.ToInt32(row.GetValue(first)), Convert.ToInt64(row.GetValue(first + 1)));
    }

    /// <summary>The bucket holding the q-quantile (see <see cref="LatencyHistogram.PercentileBucket(ReadOnlySpan{long}, double)"/>); null when empty.</summary>
    public int? PercentileBucket(double q) => _counts.PercentileBucket(q);

    public double? P50 => Percentile(0.50);
    public double? P95 => Percentile(0.95);
    public double? P99 => Percentile(0.99);

    /// <summary>Rounded to 0.1 ms: the buckets are not more precise than that anyway.</summary>
    public double? Percentile(double q) => _counts.Percentile(q) is { } value ? Math.Round(value, 1) : null;
}

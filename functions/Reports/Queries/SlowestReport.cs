using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Paths by their 95th-percentile request time, slowest first: the paths report slices' histograms where valid, and
/// the raw rows grouped into the same histogram buckets for the rest, so a path's percentiles are computed exactly like
/// the summary's. A status filter needs raw rows throughout.
/// </summary>
public sealed class SlowestReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["path", "requests", "avgMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"];

    public string Name => "slowest";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var paths = new Dictionary<string, PathLatency>(StringComparer.Ordinal);
        await using var read = await SlicedRead.BeginAsync(database, filter, slicesAnswer: parameters.Statuses.Count == 0, ct);
        // Columns: path, bucket, count, histogram (LatencyPercentiles reads either shape), sum, max.
        await read.ReadAsync(read.UnionAll(SliceDimension.Paths, SliceRanks.Latency,
            where => $"""
                SELECT value AS path, NULL AS bucket, latency_count AS count, histogram, latency_sum_ms AS sum_ms, latency_max_ms AS max_ms
                FROM report_slice_value WHERE {where}{SlicedPath.ValueCondition(parameters)} AND latency_count > 0 AND value IS NOT NULL
                """,
            where => $"""
                SELECT path, {LatencyHistogram.SqlBucketExpression("request_time_ms")} AS bucket, COUNT(*) AS count, NULL AS histogram,
                       SUM(request_time_ms) AS sum_ms, MAX(request_time_ms) AS max_ms
                FROM access_log WHERE {where} AND request_time_ms IS NOT NULL AND path IS NOT NULL
                GROUP BY path, bucket
                """), row =>
        {
            var path = row.GetString(0);
            if (!paths.TryGetValue(path, out var latency)) paths[path] = latency = new PathLatency();
            latency.Histogram.Add(row, 1);
            latency.Requests += Convert.ToInt64(row.GetValue(2));
            latency.SumMs += Convert.ToInt64(row.GetValue(4));
            latency.MaxMs = Math.Max(latency.MaxMs, Convert.ToInt64(row.GetValue(5)));
        }, ct);

        var rows = paths
            .Select(kv => (Path: kv.Key, Latency: kv.Value, P95: kv.Value.Histogram.P95 ?? 0))
            .OrderByDescending(p => p.P95).ThenBy(p => p.Path, StringComparer.Ordinal)
            .Take(parameters.Limit ?? TopListReport.DefaultLimit)
            .Select(p => new object?[]
            {
                p.Path, p.Latency.Requests, Math.Round((double)p.Latency.SumMs / p.Latency.Requests, 1),
                p.Latency.Histogram.P50, p.P95, p.Latency.Histogram.P99, p.Latency.MaxMs,
            })
            .ToList();
        var accuracy = await read.AccuracyAsync(SliceDimension.Paths, SliceRanks.Latency, ct);
        return new ReportTable(Columns, rows, read.Source) { Accuracy = accuracy };
    }

    private sealed class PathLatency
    {
        public LatencyPercentiles Histogram { get; } = new();
        public long Requests { get; set; }
        public long SumMs { get; set; }
        public long MaxMs { get; set; }
    }
}

using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Paths by their 95th-percentile request time, slowest first. The raw rows are grouped into the same histogram
/// buckets the rollups use, so a path's percentiles are computed exactly like the summary's.
/// </summary>
public sealed class SlowestReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["path", "requests", "avgMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"];

    public string Name => "slowest";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var paths = new Dictionary<string, PathLatency>(StringComparer.Ordinal);
        await database.ReadAsync($"""
            SELECT path, {LatencyHistogram.SqlBucketExpression("request_time_ms")} AS bucket, COUNT(*), SUM(request_time_ms), MAX(request_time_ms)
            FROM access_log WHERE {filter.RawWhere} AND request_time_ms IS NOT NULL AND path IS NOT NULL
            GROUP BY path, bucket
            """, filter, row =>
        {
            var path = row.GetString(0);
            if (!paths.TryGetValue(path, out var latency)) paths[path] = latency = new PathLatency();
            var count = Convert.ToInt64(row.GetValue(2));
            latency.Histogram.Add(Convert.ToInt32(row.GetValue(1)), count);
            latency.Requests += count;
            latency.SumMs += Convert.ToInt64(row.GetValue(3));
            latency.MaxMs = Math.Max(latency.MaxMs, Convert.ToInt64(row.GetValue(4)));
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
        return new ReportTable(Columns, rows, ReportSource.Raw);
    }

    private sealed class PathLatency
    {
        public LatencyPercentiles Histogram { get; } = new();
        public long Requests { get; set; }
        public long SumMs { get; set; }
        public long MaxMs { get; set; }
    }
}

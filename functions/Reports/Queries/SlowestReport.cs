using System.Globalization;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Paths by their 95th-percentile request time, slowest first: the paths report slices' histograms where valid, and
/// the raw rows grouped into the same histogram buckets for the rest, so a path's percentiles are computed exactly like
/// the summary's. A status filter needs raw rows throughout. When slices answer for the whole range, only the
/// histograms of the paths that can still rank are read: each slice row stores the bucket of its p95, and a path's p95
/// over the range lies between the smallest and the largest bucket of its parts (<see cref="SlowestPathCandidates"/>).
/// </summary>
public sealed class SlowestReport(ReportDatabase database) : IReport
{
    private static readonly string[] Columns = ["path", "requests", "avgMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"];

    public string Name => "slowest";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var limit = parameters.Limit ?? TopListReport.DefaultLimit;
        var paths = new Dictionary<string, PathLatency>(StringComparer.Ordinal);
        await using var read = await SlicedRead.BeginAsync(database, filter, slicesAnswer: parameters.Statuses.Count == 0, ct);
        // Columns of both parts: path, bucket, count, histogram (LatencyPercentiles reads either shape), sum, max.
        var raw = read.RawRows(where => $"""
            SELECT path, {LatencyHistogram.SqlBucketExpression("request_time_ms")} AS bucket, COUNT(*) AS count, NULL AS histogram,
                   SUM(request_time_ms) AS sum_ms, MAX(request_time_ms) AS max_ms
            FROM access_log WHERE {where} AND request_time_ms IS NOT NULL AND path IS NOT NULL
            GROUP BY path, bucket
            """);
        if (raw is not null) await read.ReadAsync(raw, row => Add(paths, row), ct);

        var slicePaths = $"{SlicedPath.ValueCondition(parameters)} AND latency_count > 0 AND value IS NOT NULL";
        // With raw rows in the range, pruning costs more than it saves (measured): every raw path becomes a part, and
        // the rare slow paths of the raw minutes are candidates whatever the slices say.
        var candidates = read.Source == ReportSource.Rollup ? SlowestPathCandidates.Of(await SliceBoundsAsync(read, slicePaths, ct), limit) : null;
        var slices = read.SliceRows(SliceDimension.Paths, SliceRanks.Latency, where => $"""
            SELECT value AS path, NULL AS bucket, latency_count AS count, histogram, latency_sum_ms AS sum_ms, latency_max_ms AS max_ms
            FROM report_slice_value WHERE {where}{slicePaths}{(candidates is null ? "" : $" AND value_hash IN ({string.Join(", ", candidates.Select(c => c.ToString(CultureInfo.InvariantCulture)))})")}
            """);
        if (slices is not null && candidates is not { Count: 0 }) await read.ReadAsync(slices, row => Add(paths, row), ct);

        var rows = paths
            .Select(kv => (Path: kv.Key, Latency: kv.Value, P95: kv.Value.Histogram.P95 ?? 0))
            .OrderByDescending(p => p.P95).ThenBy(p => p.Path, StringComparer.Ordinal)
            .Take(limit)
            .Select(p => new object?[]
            {
                p.Path, p.Latency.Requests, Math.Round((double)p.Latency.SumMs / p.Latency.Requests, 1),
                p.Latency.Histogram.P50, p.P95, p.Latency.Histogram.P99, p.Latency.MaxMs,
            })
            .ToList();
        var accuracy = await read.AccuracyAsync(SliceDimension.Paths, SliceRanks.Latency, ct);
        return new ReportTable(Columns, rows, read.Source) { Accuracy = accuracy };
    }

    private static void Add(Dictionary<string, PathLatency> paths, System.Data.Common.DbDataReader row)
    {
        var path = row.GetString(0);
        if (!paths.TryGetValue(path, out var latency)) paths[path] = latency = new PathLatency();
        latency.Histogram.Add(row, 1);
        latency.Requests += Convert.ToInt64(row.GetValue(2));
        latency.SumMs += Convert.ToInt64(row.GetValue(4));
        latency.MaxMs = Math.Max(latency.MaxMs, Convert.ToInt64(row.GetValue(5)));
    }

    /// <summary>Per path key, the smallest and largest p95 bucket of its slice rows in the range (slices only).</summary>
    private static async Task<Dictionary<ulong, (int Low, int High)>> SliceBoundsAsync(SlicedRead read, string slicePaths, CancellationToken ct)
    {
        var bounds = new Dictionary<ulong, (int Low, int High)>();
        var sql = read.SliceRows(SliceDimension.Paths, SliceRanks.Latency, where => $"""
            SELECT value_hash, MIN(p95_bucket), MAX(p95_bucket) FROM report_slice_value WHERE {where}{slicePaths} GROUP BY value_hash
            """);
        if (sql is not null)
            await read.ReadAsync(sql, row => bounds[Convert.ToUInt64(row.GetValue(0))] = (Convert.ToInt32(row.GetValue(1)), Convert.ToInt32(row.GetValue(2))), ct);
        return bounds;
    }

    private sealed class PathLatency
    {
        public LatencyPercentiles Histogram { get; } = new();
        public long Requests { get; set; }
        public long SumMs { get; set; }
        public long MaxMs { get; set; }
    }
}

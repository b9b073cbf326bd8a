using System.Globalization;
using NginxPulse.Functions.Reports.Held;
using NginxPulse.Functions.Reports.Parameters;
using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// Paths by their 95th-percentile request time, slowest first: the paths report slices' histograms where valid (latency
/// blocks of 4 and 8 hours and whole days first, <see cref="LatencyBlockBuilder"/>), and
/// the raw rows grouped into the same histogram buckets for the rest, so a path's percentiles are computed exactly like
/// the summary's. A status filter needs raw rows throughout. When slices are read, only the histograms of the paths
/// that can still rank are: the raw parts are read first, then bounds of each path key's p95 over its slice rows from
/// their stored p95 buckets and counts (<see cref="SlowestPathCandidates"/>), then the histograms of the keys that can
/// still rank. Without raw paths (a range the slices cover, the usual case) the bounds, the threshold and the
/// candidates' histograms are one statement; with raw paths their bounds join the slice rows' bounds in C# first.
/// When this replica holds every slice part read (<see cref="SliceRowCache"/>), the same bounds, threshold and
/// histograms come from memory; a call that misses answers from the database and has the parts read for the next.
/// </summary>
public sealed class SlowestReport(ReportDatabase database, SliceRowCache cache) : IReport
{
    private static readonly string[] Columns = ["path", "requests", "avgMs", "p50Ms", "p95Ms", "p99Ms", "maxMs"];

    /// <summary>A slice row in the raw parts' columns (see <see cref="Add"/>).</summary>
    private const string SliceColumns = "value AS path, NULL AS bucket, latency_count AS count, histogram, latency_sum_ms AS sum_ms, latency_max_ms AS max_ms";

    public string Name => "slowest";

    public async Task<ReportTable> RunAsync(ReportParameters parameters, CancellationToken ct)
    {
        var filter = new ReportFilter(parameters);
        var limit = parameters.Limit ?? TopListReport.DefaultLimit;
        var paths = new Dictionary<string, PathLatency>(StringComparer.Ordinal);
        await using var read = await SlicedRead.BeginAsync(database, filter, slicesAnswer: parameters.Statuses.Count == 0, latencyBlocks: true, ct);
        // Columns of both parts: path, bucket, count, histogram (LatencyPercentiles reads either shape), sum, max.
        var raw = read.RawRows(where => $"""
            SELECT path, {LatencyHistogram.SqlBucketExpression("request_time_ms")} AS bucket, COUNT(*) AS count, NULL AS histogram,
                   SUM(request_time_ms) AS sum_ms, MAX(request_time_ms) AS max_ms
            FROM access_log WHERE {where} AND request_time_ms IS NOT NULL AND path IS NOT NULL
            GROUP BY path, bucket
            """);
        if (raw is not null) await read.ReadAsync(raw, row => Add(paths, row), ct);

        var parts = read.Parts(SliceDimension.Paths);
        if (await cache.GetAllAsync(read, parts, ct) is { } held)
        {
            AddHeldCandidates(paths, held, SlicedPath.HeldCondition(parameters), limit);
            return await TableAsync(read, paths, limit, ct);
        }
        var slicePaths = $"{SlicedPath.ValueCondition(parameters)} AND latency_count > 0 AND value IS NOT NULL";
        var slices = paths.Count == 0
            ? read.SliceRows(SliceDimension.Paths, SliceRanks.Latency, where => SlowestPathCandidates.CandidateRowsSql(SliceColumns, where + slicePaths, limit))
            : await CandidateSliceRowsAsync(read, paths, slicePaths, limit, ct);
        if (slices is not null) await read.ReadAsync(slices, row => Add(paths, row), ct);
        // After this call's own reads, so filling does not slow the call that missed.
        cache.RequestFill(parts);
        return await TableAsync(read, paths, limit, ct);
    }

    private static async Task<ReportTable> TableAsync(SlicedRead read, Dictionary<string, PathLatency> paths, int limit, CancellationToken ct)
    {
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
        var latency = Of(paths, row.GetString(0));
        latency.Histogram.Add(row, 1);
        latency.Add(Convert.ToInt64(row.GetValue(2)), Convert.ToInt64(row.GetValue(4)), Convert.ToInt64(row.GetValue(5)));
    }

    private static PathLatency Of(Dictionary<string, PathLatency> paths, string path)
    {
        if (!paths.TryGetValue(path, out var latency)) paths[path] = latency = new PathLatency();
        return latency;
    }

    /// <summary>The raw paths' own p95 buckets as bounds of their keys (a group of one bucket).</summary>
    private static SlowestPathCandidates RawBounds(Dictionary<string, PathLatency> paths)
    {
        var candidates = new SlowestPathCandidates();
        foreach (var (path, latency) in paths)
        {
            var bucket = latency.Histogram.PercentileBucket(SlowestPathCandidates.Quantile)!.Value;
            candidates.Add(ClientHash.Of(path), bucket, bucket);
        }
        return candidates;
    }

    /// <summary>
    /// <see cref="CandidateSliceRowsAsync"/>'s rule over slice rows held in memory: the latency-ranked rows of the
    /// parts (with the path prefix), their keys' bounds joined with the raw paths', and the histograms of the keys that can rank.
    /// </summary>
    private static void AddHeldCandidates(Dictionary<string, PathLatency> paths, IReadOnlyList<CachedSliceRow>[] parts, Func<string?, bool> onPath, int limit)
    {
        var rows = parts.SelectMany(p => p)
            .Where(r => (r.Ranks & SliceRanks.Latency) != 0 && r is { LatencyCount: > 0, Value: not null, Hash: not null, P95Bucket: not null, Histogram: not null }
                        && onPath(r.Value))
            .ToList();
        var candidates = RawBounds(paths);
        candidates.AddSliceRows(rows.Select(r => (r.Hash!.Value, r.P95Bucket!.Value, r.LatencyCount)));
        var selected = candidates.Select(limit);
        foreach (var row in rows.Where(r => selected.Contains(r.Hash!.Value)))
        {
            var latency = Of(paths, row.Value!);
            latency.Histogram.AddPacked(row.Histogram);
            latency.Add(row.LatencyCount, row.LatencySumMs, row.LatencyMaxMs ?? 0);
        }
    }

    /// <summary>
    /// The statement reading the slice rows of the path keys that can still rank (<see cref="SlowestPathCandidates"/>)
    /// when raw paths were read: their bounds join the slice rows' bounds per key, which are read first. Null when no
    /// slice is read or no key can rank. A raw path whose key cannot rank keeps only its raw part (its slice rows are not
    /// read), and that part's p95 is at or below the key's upper bound: it still ranks below the keys at the threshold,
    /// which are all read.
    /// </summary>
    private static async Task<string?> CandidateSliceRowsAsync(
        SlicedRead read, Dictionary<string, PathLatency> paths, string slicePaths, int limit, CancellationToken ct)
    {
        var sql = read.SliceRows(SliceDimension.Paths, SliceRanks.Latency, where => SlowestPathCandidates.SliceBoundsSql(where + slicePaths));
        if (sql is null) return null;
        var candidates = RawBounds(paths);
        await read.ReadAsync(sql, row => candidates.Add(Convert.ToUInt64(row.GetValue(0)), Convert.ToInt32(row.GetValue(1)), Convert.ToInt32(row.GetValue(2))), ct);
        var selected = candidates.Select(limit);
        if (selected.Count == 0) return null;
        return read.SliceRows(SliceDimension.Paths, SliceRanks.Latency,
            where => $"SELECT {SliceColumns} FROM report_slice_value WHERE {where}{slicePaths}{KeyCondition(selected, every: selected.Count == candidates.Count)}");
    }

    /// <summary>
    /// The slice rows of <paramref name="keys"/> only (no condition when <paramref name="every"/> key is one), compared
    /// as signed numbers: a condition on an expression, so the range of the slices is scanned with the list
    /// binary-searched. Hundreds of keys (799 for a day at 10M rows) through the value-key index, as the top lists read
    /// their few (<see cref="ValueKeyList"/>), measured slower: 238–245 ms against 164–196 for 00:31–23:34, 184–270
    /// against 121–148 for -24h. Written unsigned, a key above 2^63 would be a DECIMAL literal, and a list mixing DECIMAL
    /// and integer literals is compared item by item (250 ms instead of 20 ms for 675 keys over a day's rows).
    /// </summary>
    private static string KeyCondition(HashSet<ulong> keys, bool every) => every ? "" :
        $" AND CAST(value_hash AS SIGNED) IN ({string.Join(", ", keys.Select(k => unchecked((long)k).ToString(CultureInfo.InvariantCulture)))})";

    private sealed class PathLatency
    {
        public LatencyPercentiles Histogram { get; } = new();
        public long Requests { get; private set; }
        public long SumMs { get; private set; }
        public long MaxMs { get; private set; }

        public void Add(long requests, long sumMs, long maxMs)
        {
            Requests += requests;
            SumMs += sumMs;
            MaxMs = Math.Max(MaxMs, maxMs);
        }
    }
}

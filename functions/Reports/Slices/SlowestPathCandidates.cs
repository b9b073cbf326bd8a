using System.Globalization;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The path keys that can still be among the <c>limit</c> slowest, from bounds of each key's p95 over the range: its
/// slice rows' bounds (<see cref="SliceBoundsSql"/>) and its raw paths' own p95 buckets. The p95 of values merged from
/// groups lies between the smallest and the largest of the groups' p95 buckets (a merged histogram reaches the p95 rank
/// no later than its slowest group and no earlier than its fastest), so a key's bounds are the smallest lower and the
/// largest upper bound of its groups. With T the <c>limit</c>-th largest lower bound, <c>limit</c> keys each have a
/// path whose p95 is in bucket T or above; a key whose upper bound is below T has only paths with a smaller p95 (every
/// value of a bucket is below every value of the next), which cannot rank, ties included. Keys that collide (two paths,
/// one key) stay safe: the p95 of their union is at or below the slower path's, and the upper bound holds for each path.
/// </summary>
public sealed class SlowestPathCandidates
{
    /// <summary>The quantile the report ranks by and whose bucket the slices store.</summary>
    public const double Quantile = 0.95;

    private readonly Dictionary<ulong, (int Low, int High)> _bounds = [];

    /// <summary>A group of <paramref name="key"/>'s values whose p95 lies in a bucket from <paramref name="low"/> to <paramref name="high"/>.</summary>
    public void Add(ulong key, int low, int high)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(low, high);
        _bounds[key] = _bounds.TryGetValue(key, out var b) ? (Math.Min(b.Low, low), Math.Max(b.High, high)) : (low, high);
    }

    /// <summary>
    /// Adds each key's bounds over slice rows of (key, p95 bucket, values), computed as <see cref="SliceBoundsSql"/>
    /// computes them in SQL: rows read from memory instead of ranked by the database.
    /// </summary>
    public void AddSliceRows(IEnumerable<(ulong Key, int P95Bucket, long Count)> rows)
    {
        foreach (var group in rows.GroupBy(r => r.Key))
        {
            var parts = group.OrderByDescending(r => r.P95Bucket).ToList();
            var total = parts.Sum(r => r.Count);
            var atMostBelow = total - LatencyHistogram.Rank(total, Quantile);
            long surelyFrom = 0;
            int? low = null;
            // Rows of one bucket together, as the window's peers: the bound is taken at bucket boundaries.
            for (var i = 0; i < parts.Count && low is null;)
            {
                var bucket = parts[i].P95Bucket;
                for (; i < parts.Count && parts[i].P95Bucket == bucket; i++)
                    surelyFrom += parts[i].Count - LatencyHistogram.Rank(parts[i].Count, Quantile) + 1;
                if (surelyFrom > atMostBelow) low = bucket;
            }
            // The smallest bucket always qualifies: the sum of CEIL(q n) over rows is below CEIL(q N) + rows.
            Add(group.Key, low ?? parts[^1].P95Bucket, parts[0].P95Bucket);
        }
    }

    /// <summary>Every key added.</summary>
    public int Count => _bounds.Count;

    /// <summary>The bounds of a key added.</summary>
    public (int Low, int High) BoundsOf(ulong key) => _bounds[key];

    /// <summary>The keys that can still hold one of the <paramref name="limit"/> slowest paths.</summary>
    public HashSet<ulong> Select(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (_bounds.Count <= limit) return [.. _bounds.Keys];
        var threshold = _bounds.Values.Select(b => b.Low).OrderDescending().ElementAt(limit - 1);
        return [.. _bounds.Where(b => b.Value.High >= threshold).Select(b => b.Key)];
    }

    /// <summary>
    /// Per key of the slice rows <paramref name="where"/> selects: key, lower bound, upper bound of its p95 over those
    /// rows. A row of n values whose p95 lies in bucket p has at least <c>n - rank(n) + 1</c> values (its p95 and the ones
    /// above) in buckets from p on, and at least <c>rank(n)</c> up to p. So the key's p95 over its N values lies at or
    /// below its largest row bucket, and at or above the largest bucket b from which on its rows surely hold more than
    /// <c>N - rank(N)</c> values: then fewer than <c>rank(N)</c> lie below b. The smallest row bucket always qualifies
    /// (the classic bound), and a row of few requests — a rarely requested slow path's usual hour — holds nearly all its
    /// values from its p95 bucket on, so for the paths that rank this is usually their exact bucket (at 10M rows a day,
    /// 799 of 4,743 paths stay candidates for limit 10 instead of 1,935). <c>rank(n) = CEIL(0.95 n)</c>, as
    /// <see cref="Storage.LatencyHistogram"/> computes it in doubles: 0.95 n is exact in SQL, and below 2^48 the
    /// double product never crosses the integer it rounds up to. Grouped in SQL: each row sent costs the client ~4 µs,
    /// five times what the server spends on the window sums.
    /// </summary>
    public static string SliceBoundsSql(string where)
    {
        var q = Quantile.ToString(CultureInfo.InvariantCulture);
        return $"""
            SELECT value_hash, MAX(IF(surely_from > total - CEIL({q} * total), p95_bucket, NULL)) AS low, MAX(p95_bucket) AS high
            FROM (SELECT value_hash, p95_bucket,
                         SUM(latency_count - CEIL({q} * latency_count) + 1) OVER (PARTITION BY value_hash ORDER BY p95_bucket DESC) AS surely_from,
                         SUM(latency_count) OVER (PARTITION BY value_hash) AS total
                  FROM report_slice_value WHERE {where}) AS parts
            GROUP BY value_hash
            """;
    }

    /// <summary>
    /// <paramref name="columns"/> of the slice rows <paramref name="where"/> selects whose key can still rank, when no
    /// other group (no raw path) adds to the keys' bounds: <see cref="Select"/>'s rule in SQL, one statement. The keys'
    /// bounds (<see cref="SliceBoundsSql"/>), the <paramref name="limit"/>-th largest lower bound over them (every key
    /// when there are fewer), and the rows of the keys whose upper bound reaches it. The bounds of every path key (4,743
    /// for a day at 10M rows) then stay in the server instead of costing the client ~4 µs each, and the candidates'
    /// keys need no list of literals.
    /// </summary>
    public static string CandidateRowsSql(string columns, string where, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        return $"""
            SELECT {columns} FROM report_slice_value
            JOIN (SELECT value_hash AS candidate_hash
                  FROM (SELECT value_hash, high,
                               NTH_VALUE(low, {limit.ToString(CultureInfo.InvariantCulture)}) OVER (ORDER BY low DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS threshold
                        FROM ({SliceBoundsSql(where)}) AS bounds) AS ranked
                  WHERE threshold IS NULL OR high >= threshold) AS candidates ON value_hash = candidate_hash
            WHERE {where}
            """;
    }
}

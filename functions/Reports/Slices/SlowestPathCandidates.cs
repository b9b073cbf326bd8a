using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The path keys that can still be among the <c>limit</c> slowest, from the parts each key's p95 is merged from: every
/// slice row read (its stored p95 bucket and request-time count) and every raw path's histogram. A part of n values
/// whose p95 lies in bucket p has at least <c>rank(n)</c> values in buckets up to p and at least <c>n - rank(n) + 1</c>
/// (the p95 and the ones above it) in buckets from p on. So a key's p95 over all its parts (N values) lies
/// <list type="bullet">
/// <item>at or below its largest part bucket, and</item>
/// <item>at or above the largest bucket b from which on its parts surely hold more than <c>N - rank(N)</c> values: then
/// fewer than <c>rank(N)</c> values lie below b. The smallest part bucket always qualifies (the classic bound), and a
/// part of few requests — a rarely requested slow path's usual hour — holds nearly all its values from its p95 bucket
/// on, so for the paths that rank the bound is usually their exact bucket.</item>
/// </list>
/// With T the <c>limit</c>-th largest lower bound, <c>limit</c> keys each have a path whose p95 is in bucket T or above;
/// a key whose upper bound is below T has only paths with a smaller p95 (every value of a bucket is below every value
/// of the next), which cannot rank, ties included. Keys that collide (two paths, one key) stay safe: the p95 of their
/// union is at or below the slower path's, and the upper bound holds for each path.
/// </summary>
public sealed class SlowestPathCandidates
{
    /// <summary>The quantile the report ranks by and whose bucket the slices store.</summary>
    public const double Quantile = 0.95;

    private readonly Dictionary<ulong, List<(int Bucket, long Count)>> _parts = [];

    /// <summary>One part of <paramref name="key"/>'s values: <paramref name="count"/> values (at least 1) whose p95 is in <paramref name="bucket"/>.</summary>
    public void Add(ulong key, int bucket, long count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!_parts.TryGetValue(key, out var parts)) _parts[key] = parts = [];
        parts.Add((bucket, count));
    }

    /// <summary>Every key added.</summary>
    public int Count => _parts.Count;

    /// <summary>The keys that can still hold one of the <paramref name="limit"/> slowest paths.</summary>
    public HashSet<ulong> Select(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (_parts.Count <= limit) return [.. _parts.Keys];
        var bounds = _parts.Select(kv => (kv.Key, Bounds: Bounds(kv.Value))).ToList();
        var threshold = bounds.Select(b => b.Bounds.Low).OrderDescending().ElementAt(limit - 1);
        return [.. bounds.Where(b => b.Bounds.High >= threshold).Select(b => b.Key)];
    }

    /// <summary>The buckets a p95 merged from <paramref name="parts"/> (bucket of its p95, count; at least one) lies between.</summary>
    public static (int Low, int High) Bounds(IReadOnlyCollection<(int Bucket, long Count)> parts)
    {
        var descending = parts.OrderByDescending(p => p.Bucket).ToList();
        var total = descending.Sum(p => p.Count);
        // The p95 is in bucket b or above when more than this many values are.
        var enough = total - LatencyHistogram.Rank(total, Quantile);
        long surelyFrom = 0;
        for (var i = 0; ; i++)
        {
            var (bucket, count) = descending[i];
            surelyFrom += count - LatencyHistogram.Rank(count, Quantile) + 1;
            var lastOfBucket = i == descending.Count - 1 || descending[i + 1].Bucket != bucket;
            // At the smallest bucket the sum is N - sum(rank(n) - 1), more than N - rank(N) as each rank(n) - 1 < 0.95 n.
            if (lastOfBucket && (surelyFrom > enough || i == descending.Count - 1)) return (bucket, descending[0].Bucket);
        }
    }
}

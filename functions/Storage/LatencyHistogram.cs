using System.Diagnostics;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Log-linear request-time buckets (HDR style): one bucket per millisecond below 32 ms, then 16 equal buckets per
/// power of two, so a bucket is at most 1/16 of its lower bound wide and an interpolated percentile is within a
/// few percent of the exact one. Integer-only, so the same function runs in C# (increments) and SQL (recompute)
/// with identical results.
/// </summary>
public static class LatencyHistogram
{
    private const int LinearLimit = 32;        // 2^LinearBits
    private const int LinearBits = 5;
    private const int SubBucketBits = 4;       // 16 buckets per power of two
    private const int SubBuckets = 1 << SubBucketBits;

    /// <summary>Buckets needed to cover 0..int.MaxValue ms.</summary>
    public static readonly int BucketCount = Bucket(int.MaxValue) + 1;

    public static int Bucket(int milliseconds)
    {
        if (milliseconds < LinearLimit) return Math.Max(milliseconds, 0);
        var exponent = 31 - int.LeadingZeroCount(milliseconds);            // floor(log2 ms) >= 5
        var sub = (milliseconds >> (exponent - SubBucketBits)) - SubBuckets;  // 0..15
        return LinearLimit + (exponent - LinearBits) * SubBuckets + sub;
    }

    /// <summary>The integer millisecond values [Lower, Upper) that fall into a bucket.</summary>
    public static (long Lower, long Upper) Bounds(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bucket);
        if (bucket < LinearLimit) return (bucket, bucket + 1);
        var exponent = LinearBits + (bucket - LinearLimit) / SubBuckets;
        var sub = SubBuckets + (bucket - LinearLimit) % SubBuckets;
        var shift = exponent - SubBucketBits;
        return ((long)sub << shift, (long)(sub + 1) << shift);
    }

    /// <summary>
    /// The same bucket function as SQL over an INT column, for recomputing rollups from raw rows. LENGTH(BIN(x)) is
    /// the bit length, i.e. floor(log2 x) + 1, computed without floating point.
    /// </summary>
    public static string SqlBucketExpression(string column) =>
        $"CASE WHEN {column} < {LinearLimit} THEN GREATEST({column}, 0) " +
        $"ELSE {LinearLimit} + (LENGTH(BIN({column})) - {LinearBits + 1}) * {SubBuckets} " +
        $"+ (({column} >> (LENGTH(BIN({column})) - {SubBucketBits + 1})) - {SubBuckets}) END";

    /// <summary>
    /// The q-quantile (0..1) of the values counted in <paramref name="counts"/> (bucket => count), interpolating
    /// linearly over the integer values of the bucket that holds rank q·n (nearest-rank definition). Null when empty.
    /// </summary>
    public static double? Percentile(IReadOnlyDictionary<int, long> counts, double q)
    {
        var dense = new long[BucketCount];
        foreach (var (bucket, count) in counts)
            if (count > 0) dense[bucket] += count;
        return Percentile(dense, q);
    }

    /// <summary>The same over dense counts (index = bucket).</summary>
    public static double? Percentile(ReadOnlySpan<long> counts, double q)
    {
        if (PercentileRank(counts, q) is not { } at) return null;
        var (lower, upper) = Bounds(at.Bucket);
        // Position of the rank inside this bucket, spread over its integer values lower..upper-1.
        var count = counts[at.Bucket];
        var fraction = count == 1 ? 0.5 : (at.Rank - at.Before - 1) / (count - 1);
        return lower + fraction * (upper - 1 - lower);
    }

    /// <summary>
    /// The bucket that holds the q-quantile (see <see cref="Percentile(ReadOnlySpan{long}, double)"/>); null when empty.
    /// Every value of a bucket is below every value of the next, so percentiles order as their buckets do, and the
    /// q-quantile of merged histograms lies in a bucket between the smallest and the largest of its parts' buckets.
    /// </summary>
    public static int? PercentileBucket(ReadOnlySpan<long> counts, double q) => PercentileRank(counts, q)?.Bucket;

    /// <summary>
    /// The rank (1-based, nearest-rank definition) of the q-quantile among <paramref name="total"/> values: the value
    /// <see cref="Percentile(ReadOnlySpan{long}, double)"/> reports is the one at this rank in ascending order.
    /// </summary>
    public static long Rank(long total, double q)
    {
        ThrowIfNotQuantile(q);
        return (long)Math.Max(1.0, Math.Ceiling(q * total));
    }

    private static void ThrowIfNotQuantile(double q)
    {
        if (q is < 0 or > 1 || double.IsNaN(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "q must be within [0, 1].");
    }

    private static (int Bucket, double Rank, long Before)? PercentileRank(ReadOnlySpan<long> counts, double q)
    {
        ThrowIfNotQuantile(q);
        long total = 0;
        foreach (var c in counts) total += c;
        if (total == 0) return null;

        var rank = Rank(total, q);
        long before = 0;
        for (var bucket = 0; bucket < counts.Length; bucket++)
        {
            var count = counts[bucket];
            if (count <= 0) continue;
            if (before + count >= rank) return (bucket, rank, before);
            before += count;
        }
        throw new UnreachableException("rank <= total, so some bucket reaches it");
    }
}

using NginxPulse.Functions.Reports.Slices;
using NginxPulse.Functions.Storage;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The bounds of a path's p95 over its parts (each part: the bucket of its p95 and its count) and the path keys that
/// can still rank: checked against p95s merged from real histograms.
/// </summary>
public sealed class SlowestPathCandidatesTests
{
    /// <summary>A part's histogram: (bucket, count) pairs; its p95 bucket and count as a slice row stores them.</summary>
    private static (int Bucket, long Count) Part(params (int Bucket, long Count)[] histogram)
    {
        var counts = Histogram(histogram);
        return (counts.PercentileBucket(SlowestPathCandidates.Quantile)!.Value, counts.Total);
    }

    private static LatencyCounts Histogram(params (int Bucket, long Count)[] histogram)
    {
        var counts = new LatencyCounts();
        foreach (var (bucket, count) in histogram) counts.Add(bucket, count);
        return counts;
    }

    private static int MergedP95Bucket(params (int Bucket, long Count)[][] parts) =>
        Histogram([.. parts.SelectMany(p => p)]).PercentileBucket(SlowestPathCandidates.Quantile)!.Value;

    [Fact]
    public void One_part_bounds_the_p95_at_its_own_bucket()
    {
        Assert.Equal((40, 40), SlowestPathCandidates.Bounds([Part((3, 10), (40, 2))]));
    }

    [Fact]
    public void Parts_of_one_request_each_bound_the_p95_from_below_at_the_slowest_of_them()
    {
        // Two hours with one request each: the p95 of two values is the larger one.
        (int, long)[] fast = [(97, 1)], slow = [(140, 1)];

        Assert.Equal(140, MergedP95Bucket(fast, slow));
        Assert.Equal((140, 140), SlowestPathCandidates.Bounds([Part(fast), Part(slow)]));
    }

    [Fact]
    public void One_slow_request_next_to_a_large_fast_part_leaves_the_lower_bound_at_the_fast_part()
    {
        (int, long)[] busy = [(20, 94), (100, 6)], slowOnce = [(150, 1)];

        Assert.Equal((100, 150), SlowestPathCandidates.Bounds([Part(busy), Part(slowOnce)]));
        Assert.InRange(MergedP95Bucket(busy, slowOnce), 100, 150);
    }

    [Fact]
    public void Parts_from_a_bucket_on_that_hold_exactly_as_many_values_as_may_lie_above_the_p95_do_not_lift_the_lower_bound()
    {
        // 40 values: the p95 is the 38th, so 2 may lie above it. From bucket 150 on the parts surely hold 2 values (the
        // slow part's p95 and the one above it), not more: the p95 can still be below 150 - and is, at 100.
        (int, long)[] slowHour = [(1, 18), (150, 2)], fastHour = [(1, 18), (100, 2)];

        Assert.Equal(100, MergedP95Bucket(slowHour, fastHour));
        Assert.Equal((100, 150), SlowestPathCandidates.Bounds([Part(slowHour), Part(fastHour)]));
    }

    [Fact]
    public void Bounds_hold_for_random_histograms_split_into_parts()
    {
        var random = new Random(20261121);
        int tight = 0, smallestPartTight = 0;
        for (var path = 0; path < 5000; path++)
        {
            // Few buckets and small counts, so parts share buckets and ranks fall on the edges.
            var parts = Enumerable.Range(0, random.Next(1, 7))
                .Select(_ => Enumerable.Range(0, random.Next(1, 5)).Select(_ => (random.Next(0, 12), (long)random.Next(1, 25))).ToArray())
                .ToArray();
            var merged = MergedP95Bucket(parts);
            var (low, high) = SlowestPathCandidates.Bounds([.. parts.Select(Part)]);
            Assert.True(low <= merged && merged <= high, $"path {path}: {low} <= {merged} <= {high}");
            var smallestPart = parts.Select(Part).Min(p => p.Bucket);
            Assert.True(low >= smallestPart, $"path {path}: {low} >= {smallestPart}");
            if (low == merged) tight++;
            if (smallestPart == merged) smallestPartTight++;
        }
        // Tighter than the smallest part bucket (the bound before counts were weighed).
        Assert.True(tight > smallestPartTight, $"the lower bound is the merged bucket for {tight} of 5000 paths, the smallest part bucket for {smallestPartTight}");
    }

    [Fact]
    public void Keys_whose_upper_bound_reaches_the_limit_th_lower_bound_are_kept_ties_included()
    {
        var candidates = new SlowestPathCandidates();
        candidates.Add(1, 10, 1);                               // 10..10
        candidates.Add(2, 9, 1);                                // 9..9
        candidates.Add(3, 5, 100); candidates.Add(3, 9, 1);     // 5..9
        candidates.Add(4, 5, 100); candidates.Add(4, 8, 1);     // 5..8
        candidates.Add(5, 3, 1);                                // 3..3

        Assert.Equal([1UL], candidates.Select(1).Order());
        Assert.Equal([1UL, 2UL, 3UL], candidates.Select(2).Order());          // 3 reaches 9 = the 2nd lower bound: it may tie
        Assert.Equal([1UL, 2UL, 3UL, 4UL], candidates.Select(3).Order());     // the 3rd lower bound is 5
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], candidates.Select(5).Order());
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], candidates.Select(50).Order());
        Assert.Equal(5, candidates.Count);
    }

    [Fact]
    public void A_part_without_values_or_a_limit_below_one_is_refused()
    {
        var candidates = new SlowestPathCandidates();
        Assert.Throws<ArgumentOutOfRangeException>(() => candidates.Add(1, 3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => candidates.Select(0));
    }
}

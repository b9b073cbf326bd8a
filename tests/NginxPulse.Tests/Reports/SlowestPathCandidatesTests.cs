using NginxPulse.Functions.Reports.Slices;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// The path keys that can still rank, from bounds of each key's p95 (the slice rows' bounds per key are computed in
/// SQL and proven against raw answers in <see cref="SlowestPruningTests"/>).
/// </summary>
public sealed class SlowestPathCandidatesTests
{
    [Fact]
    public void Keys_whose_upper_bound_reaches_the_limit_th_lower_bound_are_kept_ties_included()
    {
        var candidates = new SlowestPathCandidates();
        candidates.Add(1, 10, 10);
        candidates.Add(2, 9, 9);
        candidates.Add(3, 5, 9);
        candidates.Add(4, 5, 8);
        candidates.Add(5, 3, 3);

        Assert.Equal([1UL], candidates.Select(1).Order());
        Assert.Equal([1UL, 2UL, 3UL], candidates.Select(2).Order());          // 3 reaches 9 = the 2nd lower bound: it may tie
        Assert.Equal([1UL, 2UL, 3UL, 4UL], candidates.Select(3).Order());     // the 3rd lower bound is 5
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], candidates.Select(5).Order());
        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], candidates.Select(50).Order());
        Assert.Equal(5, candidates.Count);
    }

    [Fact]
    public void A_key_of_several_groups_is_bounded_by_the_smallest_lower_and_the_largest_upper_bound()
    {
        var candidates = new SlowestPathCandidates();
        candidates.Add(1, 12, 12);   // slice rows: the p95 is in bucket 12
        candidates.Add(1, 4, 4);     // a raw part whose p95 is in bucket 4: the merged p95 may be as low as 4
        candidates.Add(2, 6, 6);
        candidates.Add(3, 5, 5);

        Assert.Equal([1UL, 2UL], candidates.Select(1).Order());   // the largest lower bound is 2's 6; 1 may reach 12
        Assert.Equal([1UL, 2UL, 3UL], candidates.Select(2).Order());
    }

    [Fact]
    public void Bounds_out_of_order_or_a_limit_below_one_are_refused()
    {
        var candidates = new SlowestPathCandidates();
        Assert.Throws<ArgumentOutOfRangeException>(() => candidates.Add(1, 4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => candidates.Select(0));
    }
}

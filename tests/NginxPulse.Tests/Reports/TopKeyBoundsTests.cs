using NginxPulse.Functions.Reports.Slices;
using Xunit;

namespace NginxPulse.Tests.Reports;

/// <summary>
/// <see cref="TopKeyBounds"/> keeps every key that can still rank within the limit from the first rows of each slice
/// and the largest raw sums, and says when those rows cannot tell.
/// </summary>
public sealed class TopKeyBoundsTests
{
    private static readonly SliceId A = new(60, new DateTime(2026, 11, 21, 13, 0, 0, DateTimeKind.Utc));
    private static readonly SliceId B = new(60, new DateTime(2026, 11, 21, 14, 0, 0, DateTimeKind.Utc));
    private static readonly SliceId C = new(5, new DateTime(2026, 11, 21, 15, 0, 0, DateTimeKind.Utc));

    private static ValueKey Key(ulong hash) => new(hash);

    /// <summary>Rows 1..n of a slice as (key, requests), each counted with its requests.</summary>
    private static void Slice(TopKeyBounds bounds, SliceId part, params (ulong Key, long Requests)[] rows)
    {
        for (var i = 0; i < rows.Length; i++) bounds.AddSliceRow(part, i + 1, rows[i].Requests, Key(rows[i].Key), rows[i].Requests);
    }

    private static ValueKey[] Sorted(IReadOnlyList<ValueKey>? keys) => [.. Assert.IsAssignableFrom<IReadOnlyList<ValueKey>>(keys).OrderBy(k => k.Hash)];

    [Fact]
    public void A_key_never_first_in_a_slice_but_steady_in_all_wins_and_each_slice_s_leader_stays_a_candidate_below_it()
    {
        var bounds = new TopKeyBounds(depth: 3);
        // Rows 4.. of each slice (unread) hold at most 5 requests each: 15 for a key missing from all three reads.
        Slice(bounds, A, (1, 100), (9, 60), (4, 5));
        Slice(bounds, B, (2, 100), (9, 60), (5, 5));
        Slice(bounds, C, (3, 100), (9, 60), (6, 5));

        // Key 9: 180 (read whole). Keys 1-3: 100 read + at most 10 from the slices they miss = 110. Keys 4-6: at most 15.
        Assert.Equal([Key(9)], Sorted(bounds.Candidates(1)));
        Assert.Equal([Key(1), Key(2), Key(3), Key(9)], Sorted(bounds.Candidates(2)));
    }

    [Fact]
    public void Keys_whose_highest_total_only_ties_the_cut_are_kept_and_lower_ones_are_left_out()
    {
        var bounds = new TopKeyBounds(depth: 2);
        Slice(bounds, A, (1, 50), (2, 10));
        Slice(bounds, B, (3, 40), (4, 10));
        // Limit 1: T = 50 (key 1), unread 10 + 10 = 20. Key 3: at most 40 + 10 = 50, tying T (kept); keys 2 and 4: at most 20.
        Assert.Equal([Key(1), Key(3)], Sorted(bounds.Candidates(1)));

        var tied = new TopKeyBounds(depth: 2);
        Slice(tied, A, (1, 50), (2, 30));
        Slice(tied, B, (1, 50), (3, 30));
        // Limit 2: T = 30 (key 2 or 3), unread 60 >= T: a key missing from both reads could still rank.
        Assert.Null(tied.Candidates(2));
    }

    [Fact]
    public void Rows_of_another_ranking_bound_a_slice_but_count_nothing()
    {
        var bounds = new TopKeyBounds(depth: 2);
        bounds.AddSliceRow(A, 1, 100, Key(1), null);   // in the requests ranking only, not in the one read
        bounds.AddSliceRow(A, 2, 10, Key(2), 8);
        bounds.AddSliceRow(B, 1, 9, Key(3), 9);   // one row only: the slice is read whole
        // Lows: 3: 9, 2: 8, 1: 0. Unread: 10 (A's row 2) >= 9 (limit 1) and 8 (limit 2): cannot tell.
        Assert.Null(bounds.Candidates(1));
        Assert.Null(bounds.Candidates(2));
    }

    [Fact]
    public void Raw_sums_bound_the_keys_missing_from_them_by_the_smallest_read()
    {
        var bounds = new TopKeyBounds(depth: 2);
        Slice(bounds, A, (1, 100), (2, 50));
        bounds.AddRawSum(Key(3), 60);
        bounds.AddRawSum(Key(1), 7);   // as many sums as the depth: more may follow, each at most 7
        // Lows: 1: 107, 3: 60, 2: 50. Unread: 50 (A) + 7 (raw) = 57. Limit 2: T = 60 > 57.
        // Highest: 2: 50 + 7 = 57 < 60 (out); 3: 60 + 50 = 110 (in).
        Assert.Equal([Key(1), Key(3)], Sorted(bounds.Candidates(2)));

        var fewer = new TopKeyBounds(depth: 3);
        Slice(fewer, A, (1, 100), (2, 50));   // fewer rows than the depth: read whole
        fewer.AddRawSum(Key(3), 60);   // fewer sums than the depth: every raw key read
        Assert.Equal([Key(1), Key(2), Key(3)], Sorted(fewer.Candidates(3)));
        Assert.Equal([Key(1)], Sorted(fewer.Candidates(1)));
    }

    [Fact]
    public void Fewer_keys_than_the_limit_or_a_cut_at_zero_cannot_tell()
    {
        var bounds = new TopKeyBounds(depth: 2);
        Slice(bounds, A, (1, 5));
        Assert.Null(bounds.Candidates(2));
        bounds.AddSliceRow(B, 1, 5, Key(2), 0);
        Assert.Null(bounds.Candidates(2));
    }

    [Fact]
    public void The_null_value_is_a_key_like_the_others()
    {
        var bounds = new TopKeyBounds(depth: 2);
        bounds.AddSliceRow(A, 1, 10, new ValueKey(null), 10);
        bounds.AddSliceRow(B, 1, 10, new ValueKey(null), 10);
        Slice(bounds, C, (1, 12), (7, 1));
        bounds.AddSliceRow(A, 2, 1, Key(5), 1);
        bounds.AddSliceRow(B, 2, 1, Key(6), 1);
        // Lows: null 20, 1: 12, 5-7: 1; unread 1 + 1 + 1. Limit 1: only null; limit 2: null and 1 (at most 14).
        Assert.Equal([new ValueKey(null)], Sorted(bounds.Candidates(1)));
        Assert.Equal([new ValueKey(null), Key(1)], Sorted(bounds.Candidates(2)));
    }
}

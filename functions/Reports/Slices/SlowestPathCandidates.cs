namespace NginxPulse.Functions.Reports.Slices;

/// <summary>
/// The paths that can still be among the <c>limit</c> slowest, from the smallest and largest p95 bucket of each path's
/// slice rows (used only when slices answer the whole range). A path's p95 over all its parts lies in a bucket between those two (a merged histogram
/// reaches the p95 rank no later than its slowest part and no earlier than its fastest), and every value of a bucket is
/// below every value of the next. So when <c>limit</c> paths have their smallest bucket at T or above, a path whose
/// largest bucket is below T has a p95 below all of theirs and cannot rank, ties included.
/// </summary>
public static class SlowestPathCandidates
{
    /// <param name="bounds">Per path key, its smallest and largest p95 bucket.</param>
    public static HashSet<ulong> Of(IReadOnlyDictionary<ulong, (int Low, int High)> bounds, int limit)
    {
        if (bounds.Count <= limit) return [.. bounds.Keys];
        var threshold = bounds.Values.Select(b => b.Low).OrderDescending().ElementAt(limit - 1);
        return [.. bounds.Where(b => b.Value.High >= threshold).Select(b => b.Key)];
    }
}

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// What every report answers: named columns and rows of plain values (long, double, string, DateTime or null), so
/// JSON and CSV are written the same way for all reports.
/// </summary>
public sealed record ReportTable(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, ReportSource Source)
{
    /// <summary>Where the next page starts, for the paged raw lines; null on the last page and for other reports.</summary>
    public string? NextCursor { get; init; }

    /// <summary>For top lists read from slices: whether the counts are exact; null for other reports.</summary>
    public TopListAccuracy? Accuracy { get; init; }
}

/// <summary>
/// Whether a top list's counts are exact. When a slice it read kept only its top values, a count may miss up to
/// <see cref="ErrorUpperBound"/> (the sum over those slices of the largest count left out; null when no bound is known,
/// e.g. for percentiles), like Elasticsearch's <c>doc_count_error_upper_bound</c>.
/// </summary>
public sealed record TopListAccuracy(bool Exact, long? ErrorUpperBound);

/// <summary>What a report was computed from: the per-minute rollups, or the raw rows when a filter needs them.</summary>
public enum ReportSource
{
    Rollup,
    Raw,

    /// <summary>Rollups (or slices) for part of the range, raw rows for the rest.</summary>
    Mixed,
}

namespace NginxPulse.Functions.Reports.Queries;

/// <summary>
/// What every report answers: named columns and rows of plain values (long, double, string, DateTime or null), so
/// JSON and CSV are written the same way for all reports.
/// </summary>
public sealed record ReportTable(IReadOnlyList<string> Columns, IReadOnlyList<object?[]> Rows, ReportSource Source)
{
    /// <summary>Where the next page starts, for the paged raw lines; null on the last page and for other reports.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>What a report was computed from: the per-minute rollups, or the raw rows when a filter needs them.</summary>
public enum ReportSource
{
    Rollup,
    Raw,
}

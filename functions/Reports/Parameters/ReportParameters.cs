namespace NginxPulse.Functions.Reports.Parameters;

/// <summary>A validated report request: whole minutes [FromUtc, ToUtc), optional filters and output choices.</summary>
public sealed record ReportParameters
{
    public required DateTime FromUtc { get; init; }
    public required DateTime ToUtc { get; init; }
    public string? Vhost { get; init; }
    public string? Host { get; init; }
    public IReadOnlyList<StatusRange> Statuses { get; init; } = [];
    public string? PathPrefix { get; init; }

    /// <summary>Rows of a top list or of a page of raw lines; null when the caller gave none (each report has its default).</summary>
    public int? Limit { get; init; }

    /// <summary>The time-series bucket width, whole minutes.</summary>
    public required TimeSpan Step { get; init; }

    public ReportFormat Format { get; init; } = ReportFormat.Json;

    /// <summary>Where the next page of raw lines starts (lines report only).</summary>
    public LineCursor? Cursor { get; init; }

    /// <summary>How many windows of <paramref name="width"/> cover the range, the last one possibly partial.</summary>
    public int Buckets(TimeSpan width) => (int)Math.Ceiling((ToUtc - FromUtc) / width);

    /// <summary>Filters the per-minute rollups cannot answer: such reports read raw rows.</summary>
    public bool NeedsRawRows => Statuses.Count > 0 || PathPrefix is not null;
}

public enum ReportFormat
{
    Json,
    Csv,
}

using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>A kept value's row of a slice part (row_no from 1), as report_slice_value stores it.</summary>
public sealed record CachedSliceRow(
    ulong? Hash,
    string? Value,
    SliceRanks Ranks,
    long Requests,
    long Bytes,
    long Status4xx,
    long Status5xx,
    long LatencyCount,
    long LatencySumMs,
    long? LatencyMaxMs,
    byte[]? Histogram,
    int? P95Bucket)
{
    /// <summary>About what the row holds in memory: the object, its strings' characters and its histogram's bytes.</summary>
    public long ApproximateBytes => 120 + 2L * (Value?.Length ?? 0) + (Histogram?.Length ?? 0);
}

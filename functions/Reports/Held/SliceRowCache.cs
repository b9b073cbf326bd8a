using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>
/// Slice parts' rows held in this replica's memory, so slowest and the top lists rank them in C# instead of sending tens
/// of thousands of rows through MariaDB's grouping on every call (slowest over a day cut inside hours: ~150 ms in SQL,
/// ~40 ms held). An entry answers for the build a reader's snapshot found valid (<see cref="SliceBuild"/>).
/// <see cref="ReportsOptions.SliceCacheMegabytes"/> bounds it.
/// </summary>
public sealed class SliceRowCache(ReportDatabase database, long capacityBytes, ILogger<SliceRowCache> logger)
    : HeldCache<SlicePart, SliceBuild, IReadOnlyList<CachedSliceRow>>(capacityBytes, logger)
{
    /// <summary>
    /// How many parts not held a call reads itself: a range that moves with the clock (the dashboard's last 24 hours)
    /// meets a new minute, 5 minutes or hour slice or two between calls, each at most a few thousand rows (~4 µs each).
    /// </summary>
    private const int ReadNowAtMost = 2;

    /// <summary>
    /// Every part's rows for the build <paramref name="read"/>'s snapshot found valid; up to <see cref="ReadNowAtMost"/>
    /// parts of an hour or less not held are read in that snapshot and held. Null when more are missing.
    /// </summary>
    public Task<IReadOnlyList<CachedSliceRow>[]?> GetAllAsync(SlicedRead read, IReadOnlyList<(SlicePart Part, SliceBuild Build)> parts, CancellationToken ct) =>
        GetAllAsync(parts, ReadNowAtMost, part => part.Slice.SpanMinutes <= SliceId.Hour,
            part => SlicePartReader.ReadRowsAsync((sql, parameters, onRow) => read.ReadAsync(sql, parameters, onRow, ct), part));

    protected override Task<IReadOnlyList<CachedSliceRow>?> ReadAsync(SlicePart key, SliceBuild version, CancellationToken ct) =>
        SlicePartReader.ReadAsync(database, key, version, ct);

    protected override long BytesOf(IReadOnlyList<CachedSliceRow> value) => value.Sum(r => r.ApproximateBytes);
}

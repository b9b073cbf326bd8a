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
    protected override Task<IReadOnlyList<CachedSliceRow>?> ReadAsync(SlicePart key, SliceBuild version, CancellationToken ct) =>
        SlicePartReader.ReadAsync(database, key, version, ct);

    protected override long BytesOf(IReadOnlyList<CachedSliceRow> value) => value.Sum(r => r.ApproximateBytes);
}

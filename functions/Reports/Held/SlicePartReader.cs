using System.Data.Common;
using NginxPulse.Functions.Reports.Queries;
using NginxPulse.Functions.Reports.Slices;

namespace NginxPulse.Functions.Reports.Held;

/// <summary>Reads a slice part's kept rows (row_no from 1, in row order).</summary>
public static class SlicePartReader
{
    /// <summary>In a snapshot of its own, with the slice's record that names the build; null when the stored build is no longer <paramref name="build"/>.</summary>
    public static async Task<IReadOnlyList<CachedSliceRow>?> ReadAsync(ReportDatabase database, SlicePart part, SliceBuild build, CancellationToken ct)
    {
        await using var snapshot = await database.SnapshotAsync(ct);
        SliceBuild? stored = null;
        await snapshot.ReadAsync("SELECT requests, built_utc FROM report_slice WHERE span_minutes = @span AND slice_utc = @slice",
            Parameters(part), row => stored = new SliceBuild(Convert.ToInt64(row.GetValue(0)), row.GetDateTime(1)), ct);
        return stored == build ? await ReadRowsAsync((sql, parameters, onRow) => snapshot.ReadAsync(sql, parameters, onRow, ct), part) : null;
    }

    /// <param name="read">Runs a statement with parameters in the snapshot where the part's build is the one wanted.</param>
    public static async Task<IReadOnlyList<CachedSliceRow>> ReadRowsAsync(
        Func<string, IReadOnlyList<KeyValuePair<string, object>>, Action<DbDataReader>, Task> read, SlicePart part)
    {
        var rows = new List<CachedSliceRow>();
        await read("""
            SELECT value_hash, value, ranks, requests, bytes, status_4xx, status_5xx, latency_count, latency_sum_ms, latency_max_ms, histogram, p95_bucket
            FROM report_slice_value
            WHERE dimension = @dimension AND span_minutes = @span AND scope = @scope AND vhost = @vhost AND host = @host AND slice_utc = @slice AND row_no > 0
            ORDER BY row_no
            """, Parameters(part), row => rows.Add(new CachedSliceRow(
                row.IsDBNull(0) ? null : Convert.ToUInt64(row.GetValue(0)),
                row.IsDBNull(1) ? null : row.GetString(1),
                (SliceRanks)Convert.ToInt32(row.GetValue(2)),
                Convert.ToInt64(row.GetValue(3)), Convert.ToInt64(row.GetValue(4)), Convert.ToInt64(row.GetValue(5)), Convert.ToInt64(row.GetValue(6)),
                Convert.ToInt64(row.GetValue(7)), Convert.ToInt64(row.GetValue(8)),
                row.IsDBNull(9) ? null : Convert.ToInt64(row.GetValue(9)),
                row.IsDBNull(10) ? null : (byte[])row.GetValue(10),
                row.IsDBNull(11) ? null : Convert.ToInt32(row.GetValue(11)))));
        return rows;
    }

    private static KeyValuePair<string, object>[] Parameters(SlicePart part) =>
    [
        new("@dimension", part.Dimension), new("@span", part.Slice.SpanMinutes), new("@slice", part.Slice.StartUtc),
        new("@scope", part.Scope), new("@vhost", part.Vhost), new("@host", part.Host),
    ];
}

using MySql.Data.MySqlClient;
using NginxPulse.Functions.Storage;

namespace NginxPulse.Functions.Reports.Slices;

/// <summary>One stored row of a slice: a kept value (row_no from 1) or the rest (row_no 0) of a dimension and scope.</summary>
public sealed record SliceRow(int Dimension, SliceId Slice, SliceScope Scope, SliceKey Key, int RowNo, SliceRanks Ranks, SliceValue Value, long DroppedMaxRequests, long DroppedMaxErrors);

/// <summary>Replaces a slice's stored rows and its record (the rows counted, which readers compare with the rollups) in the caller's transaction.</summary>
public static class SliceRowWriter
{
    private const int RowsPerStatement = 500;

    private static readonly MultiRowInsert<SliceRow> Insert = new("report_slice_value",
    [
        ("dimension", r => r.Dimension), ("span_minutes", r => r.Slice.SpanMinutes), ("scope", r => r.Scope.Id),
        ("slice_utc", r => r.Slice.StartUtc), ("vhost", r => r.Key.Vhost), ("host", r => r.Key.Host), ("row_no", r => r.RowNo), ("ranks", r => (int)r.Ranks),
        ("value", r => r.Key.Value), ("value_hash", r => r.Key.Value is null ? null : ClientHash.Of(r.Key.Value)), ("requests", r => r.Value.Requests), ("bytes", r => r.Value.Bytes),
        ("status_4xx", r => r.Value.Status4xx), ("status_5xx", r => r.Value.Status5xx), ("latency_count", r => r.Value.LatencyCount),
        ("latency_sum_ms", r => r.Value.LatencySumMs), ("latency_max_ms", r => r.Value.LatencyMaxMs), ("histogram", r => r.Value.PackHistogram()),
        ("p95_bucket", r => r.Value.P95Bucket),
        ("dropped_max_requests", r => r.DroppedMaxRequests), ("dropped_max_errors", r => r.DroppedMaxErrors),
    ], "");

    public static async Task ReplaceAsync(MySqlConnection connection, MySqlTransaction transaction, SliceId slice, long requests, DateTime builtUtc,
        IReadOnlyList<SliceRow> rows, CancellationToken ct)
    {
        await using (var replace = new MySqlCommand("""
            DELETE FROM report_slice_value WHERE slice_utc = @slice AND span_minutes = @span;
            INSERT INTO report_slice (span_minutes, slice_utc, requests, built_utc) VALUES (@span, @slice, @requests, @built)
            ON DUPLICATE KEY UPDATE requests = VALUES(requests), built_utc = VALUES(built_utc)
            """, connection, transaction))
        {
            replace.Parameters.AddWithValue("@span", slice.SpanMinutes);
            replace.Parameters.AddWithValue("@slice", slice.StartUtc);
            replace.Parameters.AddWithValue("@requests", requests);
            replace.Parameters.AddWithValue("@built", builtUtc);
            await replace.RunAsync(ct);
        }
        // A batch per statement: a batch sends all its string parameters with every command it runs.
        for (var start = 0; start < rows.Count; start += RowsPerStatement)
        {
            var batch = new StatementBatch(connection, transaction);
            Insert.AppendTo(batch, rows, start, Math.Min(RowsPerStatement, rows.Count - start));
            await batch.ExecuteAsync(ct);
        }
    }
}

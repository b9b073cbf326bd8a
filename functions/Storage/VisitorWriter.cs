using NginxPulse.Functions.Parsing;

namespace NginxPulse.Functions.Storage;

/// <summary>
/// Keeps visitor_hour — the distinct clients per hour, vhost and host — in step with access_log: one multi-row
/// upsert per batch, in the batch transaction. A set, so adding the clients of rows that were already stored
/// changes nothing: the same statement is right whether the batch was all new, partly repeated or recomputed.
/// (A per-row trigger on access_log did the same at about 75% extra LOAD DATA time.)
/// </summary>
internal sealed class VisitorWriter
{
    private const int RowsPerStatement = 1000;

    private readonly record struct VisitorKey(DateTime HourUtc, string Vhost, string Host, string Client);

    private static readonly MultiRowInsert<VisitorKey> Upsert = new("visitor_hour",
    [
        ("hour_utc", k => k.HourUtc),
        ("vhost", k => k.Vhost),
        ("host", k => k.Host),
        ("client", k => k.Client),
    ],
    "ON DUPLICATE KEY UPDATE client = client");

    public void AppendTo(StatementBatch batch, IEnumerable<AccessRecord> records)
    {
        // Primary-key order, so concurrent batches lock shared rows in the same order.
        var keys = records
            .Select(r => new VisitorKey(HourOf(r.TimeUtc), r.Vhost, r.Host, r.ClientIp ?? r.RemoteAddr))
            .Distinct()
            .OrderBy(k => k.HourUtc).ThenBy(k => k.Vhost, StringComparer.Ordinal).ThenBy(k => k.Host, StringComparer.Ordinal)
            .ThenBy(k => k.Client, StringComparer.Ordinal)
            .ToList();
        Upsert.AppendTo(batch, keys, RowsPerStatement);
    }

    private static DateTime HourOf(DateTime timeUtc) => new(timeUtc.Ticks - timeUtc.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);
}
